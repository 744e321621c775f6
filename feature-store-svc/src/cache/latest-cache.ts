import type { FastifyBaseLogger } from 'fastify'
import type { ChainableCommander, Redis } from 'ioredis'
import { Counter, Gauge, type Registry } from 'prom-client'
import { perTurnBatcher } from '@lav/shared'
import type { ReadConsistency } from '@lav/shared/contracts'
import { pointJsonPrefix } from '../query/point-view'
import type { ValueRow } from '../storage/values-repository'
import { invalidationChannel, invalidationMessage, subscribeToInvalidations } from './invalidation-channel'
import { createNearCache, DISABLED_NEAR_CACHE } from './near-cache'
import { createUnsyncedFeatures } from './unsynced-features'

export interface CachedLatest {
  ts: number
  /** The point's JSON without its read-time fields (see pointJsonPrefix). */
  prefix: string
}

export interface LatestCache {
  get(featureId: string, consistency?: ReadConsistency): Promise<CachedLatest | undefined>
  /**
   * Stores each row unless the cache already holds a newer point (greater ts, or same ts revised
   * later). When Redis fails, the features are read from PostgreSQL here and written through
   * again later (see unsynced-features.ts). This replica's near-cache drops the features before
   * this resolves, so a publish here is read back here at once.
   */
  offer(rows: ValueRow[]): Promise<void>
  /**
   * Their newest point is in PostgreSQL but could not be offered (its re-read failed): read them
   * from PostgreSQL here until the repair has written them through.
   */
  markUnsynced(featureIds: string[]): void
  close(): void
}

// Compare-and-set in one round trip: a reader that fetched an older row from PostgreSQL can
// never overwrite the newer row a concurrent publish has just written through. A change is
// announced to every replica's near-cache in the same step, so no write goes unannounced.
const OFFER_SCRIPT = `
local current = redis.call('HMGET', KEYS[1], 't', 'i')
local changed = true
if current[1] then
  local t, i = tonumber(current[1]), tonumber(current[2])
  local newT, newI = tonumber(ARGV[1]), tonumber(ARGV[2])
  if t > newT or (t == newT and i > newI) then return 0 end
  changed = t ~= newT or i ~= newI
end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'i', ARGV[2], 'p', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if changed then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return 1`

const READS_IN_FLIGHT = { maxInFlight: 1 }

/**
 * A promise that settles once the poll phase has read every ready socket (setImmediate): one
 * timer per turn, shared by all who wait in it.
 */
function turnGate(): () => Promise<void> {
  let turnEnd: Promise<void> | undefined
  return () =>
    (turnEnd ??= new Promise((resolve) =>
      setImmediate(() => {
        turnEnd = undefined
        resolve()
      }),
    ))
}

/**
 * After a Redis failure, requests leave Redis alone this long and use PostgreSQL: a stalled Redis
 * then costs one command timeout a second, not one per request. The repair timer keeps probing.
 */
const REDIS_REST_MS = 1_000

type OfferCommand = {
  offerLatest(key: string, ts: number, ingestedUs: number, payload: string, ttl: number, channel: string, message: string): ChainableCommander
}

export interface LatestCacheOptions {
  redis: Redis | undefined
  registry: Registry
  log: FastifyBaseLogger
  ttlSeconds: number
  /** The newest rows of features from PostgreSQL, to write through again after a Redis failure. */
  reload: (featureIds: string[]) => Promise<ValueRow[]>
  repairIntervalMs?: number
  keyPrefix?: string
  /** The near-cache's bound on an entry's age; 0 (the default here) turns it off. */
  nearCacheMaxAgeMs?: number
  /** Monotonic ms for the near-cache's bound (tests move it by hand). */
  clock?: () => number
}

export function createLatestCache(options: LatestCacheOptions): LatestCache {
  const { redis, registry, log, ttlSeconds, keyPrefix = 'lav:fs:latest:' } = options
  const lookups = new Counter({ name: 'feature_cache_lookups_total', help: 'Latest-value cache lookups by result', labelNames: ['result'] as const, registers: [registry] })
  const fallbacks = new Counter({
    name: 'feature_cache_fallback_total',
    help: 'Cache operations that failed (Redis down or slow) and fell back to PostgreSQL',
    labelNames: ['op'] as const,
    registers: [registry],
  })
  let lastWarning = 0
  let restUntil = 0
  const resting = () => Date.now() < restUntil
  const failed = (op: 'get' | 'offer', error: unknown) => {
    fallbacks.inc({ op })
    restUntil = Date.now() + REDIS_REST_MS
    // One warning every 10 s at most: a Redis outage must not flood the log at request rate.
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now()
      log.warn({ err: error, op }, 'latest cache unavailable, serving from PostgreSQL')
    }
  }

  if (!redis) {
    return { get: async () => undefined, offer: async () => {}, markUnsynced: () => {}, close: () => {} }
  }
  const channel = invalidationChannel(redis, keyPrefix)
  const nearMaxAgeMs = options.nearCacheMaxAgeMs ?? 0
  const near = nearMaxAgeMs > 0 ? createNearCache({ maxAgeMs: nearMaxAgeMs, registry, clock: options.clock }) : DISABLED_NEAR_CACHE
  const subscription = nearMaxAgeMs > 0 ? subscribeToInvalidations({ redis, channel, near, registry, log }) : undefined
  // A named command runs by EVALSHA: the script body crosses the wire once, not on every offer.
  if (!('offerLatest' in redis)) redis.defineCommand('offerLatest', { numberOfKeys: 1, lua: OFFER_SCRIPT })
  const endOfTurn = turnGate()
  const lookupsBy = { hit: lookups.labels({ result: 'hit' }), miss: lookups.labels({ result: 'miss' }), error: lookups.labels({ result: 'error' }) }
  // One round trip in flight: the reads arriving meanwhile wait for it and go out as one pipeline
  // (about 4 reads per round trip at 10 connections instead of 3); its command timeout bounds the wait.
  const read = perTurnBatcher<CachedLatest | undefined>(async (batch) => {
    const keys = [...batch.keys()]
    const replies = await redis.pipeline(keys.map((featureId) => ['hmget', keyPrefix + featureId, 't', 'p'])).exec()
    keys.forEach((featureId, index) => {
      const [error, fields] = replies?.[index] ?? [new Error('no reply from Redis')]
      const [ts, prefix] = (fields ?? []) as (string | null)[]
      for (const waiter of batch.get(featureId) ?? []) {
        if (error) waiter.reject(error)
        else waiter.resolve(prefix && ts ? { ts: Number(ts), prefix } : undefined)
      }
    })
  }, READS_IN_FLIGHT)
  const writeThrough = async (rows: ValueRow[]): Promise<boolean> => {
    if (rows.length === 0) return true
    try {
      const pipeline = redis.pipeline() as ChainableCommander & OfferCommand
      const sentAt = Date.now()
      for (const row of rows) {
        pipeline.offerLatest(keyPrefix + row.featureId, row.ts, row.ingestedAtUs, pointJsonPrefix(row), ttlSeconds, channel, invalidationMessage(row.featureId, sentAt))
      }
      const replies = await pipeline.exec()
      const firstError = replies?.find(([error]) => error)?.[0]
      if (firstError) throw firstError
      return true
    } catch (error) {
      failed('offer', error)
      return false
    }
  }
  const unsynced = createUnsyncedFeatures({ reload: options.reload, writeThrough, intervalMs: options.repairIntervalMs ?? 500, log })
  new Gauge({
    name: 'feature_cache_unsynced_features',
    help: 'Features whose newest point is not yet written through to Redis (served from PostgreSQL meanwhile)',
    registers: [registry],
    collect() {
      this.set(unsynced.size)
    },
  })
  return {
    async get(featureId, consistency = 'eventual') {
      // Redis may hold an older point for it: PostgreSQL answers until the repair went through.
      if (unsynced.has(featureId)) return undefined
      if (consistency === 'eventual') {
        // Hits answer together at the end of the turn, as Redis hits do when their batch returns:
        // answered one by one, each write woke the client on its own, and a hit cost more CPU than
        // a Redis read (here about 90 µs against 60 µs per request at 10 connections on 2 cores).
        if (near.has(featureId)) await endOfTurn()
        // Looked up after the wait: an invalidation read meanwhile is honoured.
        const hit = near.get(featureId)
        if (hit) return hit
      }
      if (resting()) {
        fallbacks.inc({ op: 'get' })
        return undefined
      }
      try {
        const ticket = near.ticket()
        const cached = await read(featureId)
        if (cached) {
          lookupsBy.hit.inc()
          near.fill(featureId, ticket, cached)
        } else lookupsBy.miss.inc()
        return cached
      } catch (error) {
        lookupsBy.error.inc()
        failed('get', error)
        return undefined
      }
    },
    async offer(rows) {
      const featureIds = rows.map((row) => row.featureId)
      if (resting()) {
        fallbacks.inc({ op: 'offer' })
        unsynced.add(featureIds)
      } else if (!(await writeThrough(rows))) {
        unsynced.add(featureIds)
      }
      // After the write: a read that fetched the older point before it can no longer be kept.
      near.invalidate(featureIds, 'local')
    },
    markUnsynced(featureIds) {
      unsynced.add(featureIds)
      near.invalidate(featureIds, 'local')
    },
    close() {
      unsynced.close()
      subscription?.close()
    },
  }
}
