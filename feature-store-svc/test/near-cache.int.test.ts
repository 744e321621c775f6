import fc from 'fast-check'
import type { Redis } from 'ioredis'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { ZodApp } from '@lav/shared'
import { createLatestCache } from '../src/cache/latest-cache'
import { createCacheRedis } from '../src/cache/redis-client'
import { createValuesRepository } from '../src/storage/values-repository'
import { DEPTH, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const READ = bearer('oracle.reader')
const PUB = bearer('oracle.publisher')
const BOUND = 250
const HOUR = 3_600_000
const KEY = `lav:fs:latest:${DEPTH}`

/** Two replicas of the store on one PostgreSQL and one Redis, each with its own client, sharing a hand-moved clock. */
let store: StoreHarness
let replicaB: Redis
let a: ZodApp
let b: ZodApp
const clock = { now: 1_000_000 }

beforeAll(async () => {
  store = await startStore()
  replicaB = createCacheRedis(inject('redisUrl'), 200, store.redis?.options.keyPrefix)
  replicaB.on('error', () => {})
  a = await store.rebuild({ clock: () => clock.now })
  b = await store.rebuild({ clock: () => clock.now, redis: replicaB })
})
afterAll(async () => {
  await store.close()
  replicaB.disconnect()
})

const read = async (app: ZodApp, consistency?: 'strong' | 'eventual') => {
  const response = await app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH, ...(consistency ? { consistency } : {}) }, headers: READ })
  expect(response.statusCode).toBe(200)
  return response.json().value as number
}
const publish = async (app: ZodApp, ts: number, value: number) => {
  const response = await app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date(ts).toISOString(), value)] })
  expect(response.json()).toMatchObject({ accepted: 1 })
}
const metric = async (app: ZodApp, pattern: RegExp) => Number((await app.inject({ method: 'GET', url: '/metrics' })).body.match(pattern)?.[1] ?? 0)
const nearHits = (app: ZodApp) => metric(app, /^feature_near_cache_hits_total (\d+)/m)
const channelInvalidations = (app: ZodApp) => metric(app, /^feature_near_cache_invalidations_total\{source="channel"\} (\d+)/m)

/** Reads until one is answered by the near-cache: its invalidation channel is subscribed. */
async function untilNearServes(app: ZodApp) {
  const before = await nearHits(app)
  await expect.poll(async () => (await read(app), nearHits(app)), { timeout: 10_000 }).toBeGreaterThan(before)
}

// The offer script's compare-and-set without its PUBLISH.
const SILENT_OFFER = `
local t = redis.call('HGET', KEYS[1], 't')
if t and tonumber(t) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[1], 'i', ARGV[2], 'p', ARGV[3])
return 1`

/** A newer point written through to Redis whose invalidation never arrived (a lost message). */
async function writeWithoutInvalidation(ts: number, value: number) {
  const prefix = `{"featureId":${JSON.stringify(DEPTH)},"ts":"${new Date(ts).toISOString()}","value":${value},"confidence":1,"ingested_at":"${new Date().toISOString()}"`
  await store.redis?.eval(SILENT_OFFER, 1, KEY, ts, Date.now() * 1000, prefix)
}

describe('GET /latest on two replicas with near-caches', () => {
  const base = Date.now() - 100 * HOUR

  it('a publish on A is read on B at most the bound later, at once with consistency=strong', async () => {
    await publish(a, base, 1e9)
    await untilNearServes(b)
    expect(await read(b)).toBe(1e9)

    // The invalidation is lost: within the bound B still answers the point it holds...
    await writeWithoutInvalidation(base + HOUR, 2e9)
    clock.now += BOUND - 1
    expect(await read(b)).toBe(1e9)
    // ...never once the bound has passed, and a strong read never waits for it.
    clock.now += 1
    expect(await read(b)).toBe(2e9)
    await writeWithoutInvalidation(base + 2 * HOUR, 3e9)
    expect(await read(b, 'strong')).toBe(3e9)
    expect(await read(b)).toBe(3e9)
  })

  it('B drops its entry as soon as the invalidation of a publish on A arrives, bound or not', async () => {
    await publish(a, base + 3 * HOUR, 4e9)
    await untilNearServes(b)
    const received = await channelInvalidations(b)
    await publish(a, base + 4 * HOUR, 5e9)
    expect(await read(b, 'strong')).toBe(5e9)
    await expect.poll(() => channelInvalidations(b), { timeout: 10_000 }).toBeGreaterThan(received)
    expect(await read(b)).toBe(5e9)
    expect(await metric(b, /^feature_near_cache_invalidation_lag_seconds_count (\d+)/m)).toBeGreaterThan(0)
  })

  it('reads its own write: a publish on A is read back on A at once, without moving the clock', async () => {
    await publish(a, base + 5 * HOUR, 6e9)
    await untilNearServes(a)
    await publish(a, base + 6 * HOUR, 7e9)
    expect(await read(a)).toBe(7e9)
    expect(await metric(a, /^feature_near_cache_invalidations_total\{source="local"\} (\d+)/m)).toBeGreaterThan(0)
    // Its own message arrives too and may drop the entry again: at most one entry, never a stale one.
    expect(await metric(a, /^feature_near_cache_entries (\d+)/m)).toBeLessThanOrEqual(1)
  })

  it('keeps nothing with FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS=0', async () => {
    const off = await store.rebuild({ clock: () => clock.now, config: { nearCacheMaxAgeMs: 0 } })
    for (let i = 0; i < 3; i++) expect(await read(off)).toBe(7e9)
    const text = (await off.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).not.toMatch(/^feature_near_cache_hits_total/m)
    expect(text).toMatch(/^feature_cache_lookups_total\{result="hit"\} 3$/m)
  })

  it('a hit waiting for the end of its turn is not answered if its feature was invalidated meanwhile', async () => {
    const registry = new Registry()
    const values = createValuesRepository(store.sql)
    const cache = createLatestCache({ redis: store.redis, registry, log: pino({ level: 'silent' }), ttlSeconds: 300, reload: (ids) => values.latest(ids), nearCacheMaxAgeMs: BOUND, clock: () => 0 })
    try {
      const hits = async () => Number((await registry.metrics()).match(/^feature_near_cache_hits_total (\d+)/m)?.[1] ?? 0)
      await expect.poll(async () => (await cache.get(DEPTH), hits()), { timeout: 10_000 }).toBeGreaterThan(0)
      const held = (await cache.get(DEPTH))?.ts as number
      await writeWithoutInvalidation(held + 1_000, 8e9)
      const pending = cache.get(DEPTH)
      cache.markUnsynced([DEPTH]) // a publish here whose re-read failed: drops the entry at once
      expect((await pending)?.ts).toBe(held + 1_000)
    } finally {
      cache.close()
    }
  })

  it('rejects an unknown consistency with a 400 naming it', async () => {
    const response = await a.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH, consistency: 'linearizable' }, headers: READ })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'querystring.consistency' }] })
    expect(await read(a, 'eventual')).toBeGreaterThan(0)
  })
})

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'ops'; ops: ({ kind: 'publish'; on: 'a' | 'b' } | { kind: 'lost' } | { kind: 'read'; on: 'a' | 'b'; strong: boolean })[] }

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: BOUND + 50 }), fc.constantFrom(BOUND - 1, BOUND)) }),
  fc.record({
    kind: fc.constant('ops' as const),
    ops: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('publish' as const), on: fc.constantFrom('a' as const, 'b' as const) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('lost' as const) }) },
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('read' as const), on: fc.constantFrom('a' as const, 'b' as const), strong: fc.boolean() }) },
      ),
      { minLength: 1, maxLength: 4 },
    ),
  }),
)

describe('near-cache bound, property', () => {
  it('over random publish/read interleavings, a read is never behind what its consistency promises', async () => {
    // Each write is numbered; its ts and value grow with the number, so Redis keeps the highest.
    const origin = Date.now() - 50 * HOUR
    let next = 0
    const acked: { n: number; at: number; on?: 'a' | 'b' }[] = []
    const apps = { a: () => a, b: () => b }
    const run = async (op: Extract<Step, { kind: 'ops' }>['ops'][number]) => {
      if (op.kind !== 'read') {
        const n = ++next
        if (op.kind === 'publish') await publish(apps[op.on](), origin + n * 1000, 1e9 + n)
        else await writeWithoutInvalidation(origin + n * 1000, 1e9 + n)
        acked.push({ n, at: clock.now, on: op.kind === 'publish' ? op.on : undefined })
        return
      }
      const startedAt = clock.now
      const before = [...acked]
      const seen = (await read(apps[op.on](), op.strong ? 'strong' : undefined)) - 1e9
      const owed = before.filter((w) => op.strong || w.on === op.on || startedAt - w.at >= BOUND)
      expect(seen).toBeGreaterThanOrEqual(Math.max(0, ...owed.map((w) => w.n)))
    }
    const hitsBefore = (await nearHits(a)) + (await nearHits(b))
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 5, maxLength: 30 }), async (steps) => {
        for (const step of steps) {
          if (step.kind === 'advance') clock.now += step.ms
          else await Promise.all(step.ops.map(run))
        }
      }),
      { numRuns: 40 },
    )
    // The property is about the near-cache only if it answered some of those reads.
    expect((await nearHits(a)) + (await nearHits(b))).toBeGreaterThan(hitsBefore)
  })
})
