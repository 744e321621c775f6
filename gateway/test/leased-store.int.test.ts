import { randomUUID } from 'node:crypto'
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import { afterAll, describe, expect, inject, it, vi } from 'vitest'
import { leasedRedisStore, type LeasedStoreOptions } from '../src/ratelimit/leased-redis-store'
import { createRateLimitRedis, whenConnected } from '../src/ratelimit/redis-client'

const clients: ReturnType<typeof createRateLimitRedis>[] = []
afterAll(() => {
  for (const client of clients) client.disconnect()
})

/** A store on its own Redis connection, as one gateway replica has. */
async function replica(options: Omit<LeasedStoreOptions, 'redis'>) {
  const redis = createRateLimitRedis(inject('redisUrl'), 500)
  clients.push(redis)
  await whenConnected(redis)
  const Store = leasedRedisStore({ ...options, redis })
  const store = new Store({} as never)
  const reservations = vi.spyOn(redis as unknown as { lavRateReserve: () => unknown }, 'lavRateReserve')
  const count = (key: string) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => {
      store.incr(key, (error, result) => (error || !result ? reject(error ?? new Error('no result')) : resolve(result)))
    })
  return { store: store as FastifyRateLimitStore, count, reservations, redis }
}

describe('leased Redis store', () => {
  it('hands out each count once: two replicas under concurrent load admit exactly max between them', async () => {
    const namespace = `test:lease:${randomUUID()}:`
    const [a, b] = [await replica({ namespace, windowMs: 60_000, max: 50 }), await replica({ namespace, windowMs: 60_000, max: 50 })]
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? a : b).count('sub:x')))
    const admitted = results.filter((r) => r.current <= 50).map((r) => r.current)
    expect(admitted.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(results.filter((r) => r.current > 50)).toHaveLength(70)
    for (const result of results) expect(result.ttl).toBeGreaterThan(55_000)
  })

  it('reserves in growing blocks: 2,000 sequential requests of one subject cost a handful of Redis calls', async () => {
    const { count, reservations, redis } = await replica({ namespace: `test:lease:${randomUUID()}:`, windowMs: 60_000, max: 1_000_000 })
    const counts: number[] = []
    for (let i = 0; i < 2_000; i++) counts.push((await count('sub:busy')).current)
    expect(counts).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1))
    expect(reservations.mock.calls.length).toBeLessThanOrEqual(12)
    expect(reservations.mock.calls.length).toBeGreaterThanOrEqual(11)
    expect(await redis.pttl(String((reservations.mock.calls[0] as unknown[])[0]))).toBeGreaterThan(55_000)
  })

  it('answers refusals locally once the window is full, and starts over when the window ends', async () => {
    const { count, reservations } = await replica({ namespace: `test:lease:${randomUUID()}:`, windowMs: 400, max: 3 })
    const first = await Promise.all(Array.from({ length: 5 }, () => count('ip:10.0.0.1')))
    expect(first.map((r) => r.current)).toEqual([1, 2, 3, 4, 4])
    const callsWhenFull = reservations.mock.calls.length
    const refused = await Promise.all(Array.from({ length: 50 }, () => count('ip:10.0.0.1')))
    expect(refused.every((r) => r.current > 3)).toBe(true)
    expect(reservations.mock.calls.length).toBe(callsWhenFull)
    await new Promise((resolve) => setTimeout(resolve, 450))
    expect((await count('ip:10.0.0.1')).current).toBe(1)
  })

  it('passes Redis errors to the limiter, which fails open', async () => {
    const { count, redis } = await replica({ namespace: `test:lease:${randomUUID()}:`, windowMs: 60_000, max: 10 })
    redis.disconnect()
    await expect(count('sub:y')).rejects.toThrow()
  })
})
