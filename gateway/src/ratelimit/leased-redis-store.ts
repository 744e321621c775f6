import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Redis } from 'ioredis'

type Callback = Parameters<FastifyRateLimitStore['incr']>[1]

// Reserves `increment` counts of the key's window at once; the first count of a window starts its
// expiry, and a counter ever found without one gets it, so it can never stick.
const RESERVE_SCRIPT = `
local increment = tonumber(ARGV[1])
local current = redis.call('INCRBY', KEYS[1], increment)
local ttl = tonumber(ARGV[2])
if current == increment then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  local left = redis.call('PTTL', KEYS[1])
  if left < 0 then redis.call('PEXPIRE', KEYS[1], ttl) else ttl = left end
end
return {current, ttl}`

type ReserveCommand = { lavRateReserve(key: string, increment: number, windowMs: number): Promise<[number, number]> }

/** What this gateway holds of one key's current window. */
interface Lease {
  windowEnd: number
  /** Counts next … last of the window are this gateway's to hand out. */
  next: number
  last: number
  /** The window's counter reached the limit: no reservation can yield a count any more. */
  full: boolean
  blockSize: number
  waiting: Callback[]
  reserving: boolean
}

export interface LeasedStoreOptions {
  redis: Redis
  namespace: string
  windowMs: number
  max: number
  now?: () => number
}

/**
 * A store for @fastify/rate-limit (it constructs stores with `new`) with fixed windows counted in
 * Redis, reserved in blocks: a key's first request in a window reserves one count, and each block
 * used up doubles the next, up to max/20. Counts are handed out in order and never beyond `max`,
 * so one gateway is exact and several together never admit more than `max`; a busy subject costs
 * one Redis call per block instead of one per request. Once the window's counter has reached the
 * limit, refusals are answered here until the window ends. The price, with several replicas: a
 * request can be refused while counts reserved by another replica are still unused.
 */
export function leasedRedisStore(options: LeasedStoreOptions): FastifyRateLimitStoreCtor {
  const { redis, namespace, windowMs, max } = options
  const now = options.now ?? Date.now
  const maxBlock = Math.max(1, Math.floor(max / 20))
  if (!('lavRateReserve' in redis)) redis.defineCommand('lavRateReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT })
  const reserveCounts = (redis as Redis & ReserveCommand).lavRateReserve.bind(redis)
  const leases = new Map<string, Lease>()
  let sweptAt = now()
  // Leases of ended windows go once a window, on a request's way through: no timer to outlive the app.
  const sweep = (at: number) => {
    if (at - sweptAt < windowMs) return
    sweptAt = at
    for (const [key, lease] of leases) if (at >= lease.windowEnd && !lease.reserving) leases.delete(key)
  }

  const leaseOf = (key: string, at: number): Lease => {
    const lease = leases.get(key)
    if (lease && (at < lease.windowEnd || lease.reserving)) return lease
    const fresh: Lease = { windowEnd: 0, next: 1, last: 0, full: false, blockSize: 1, waiting: [], reserving: false }
    leases.set(key, fresh)
    return fresh
  }
  /** Grants or refuses from what the lease holds; false when a reservation is needed first. */
  const answer = (lease: Lease, callback: Callback, at: number): boolean => {
    const ttl = Math.max(0, lease.windowEnd - at)
    if (lease.next <= lease.last) callback(null, { current: lease.next++, ttl })
    else if (lease.full) callback(null, { current: max + 1, ttl })
    else return false
    return true
  }
  const reserve = async (key: string, lease: Lease) => {
    const increment = Math.max(lease.waiting.length, lease.blockSize)
    try {
      const [current, ttl] = await reserveCounts(namespace + key, increment, windowMs)
      lease.windowEnd = now() + ttl
      lease.next = current - increment + 1
      lease.last = Math.min(current, max)
      lease.full = current >= max
      lease.blockSize = Math.min(maxBlock, lease.blockSize * 2)
    } catch (error) {
      for (const callback of lease.waiting.splice(0)) callback(error instanceof Error ? error : new Error(String(error)))
    }
    lease.reserving = false
    drain(key, lease)
  }
  const drain = (key: string, lease: Lease) => {
    const at = now()
    while (lease.waiting.length > 0 && answer(lease, lease.waiting[0] as Callback, at)) lease.waiting.shift()
    if (lease.waiting.length > 0 && !lease.reserving) {
      lease.reserving = true
      // Requests of the same event-loop turn join this reservation (setImmediate runs after the poll phase).
      setImmediate(() => void reserve(key, lease))
    }
  }
  return class LeasedRedisStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback): void {
      const at = now()
      sweep(at)
      const lease = leaseOf(key, at)
      if (lease.waiting.length === 0 && answer(lease, callback, at)) return
      lease.waiting.push(callback)
      drain(key, lease)
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
}
