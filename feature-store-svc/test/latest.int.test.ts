import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedisServer, type RedisServerHandle } from '../../test/support/redis-server'
import { createCacheRedis } from '../src/cache/redis-client'
import { BTC_FLOW, DEPTH, WALCL, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const READ = bearer('oracle.reader')
const PUB = bearer('oracle.publisher')
const HOUR = 3_600_000

describe('GET /latest with the shared Redis', () => {
  let store: StoreHarness
  beforeAll(async () => {
    store = await startStore()
  })
  afterAll(async () => {
    await store.close()
  })

  const latest = (featureId: string) => store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId }, headers: READ })
  const publish = (payload: object[]) => store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload })

  it('404 FEATURE_NOT_FOUND for an unknown id, NO_DATA for a feature without points', async () => {
    expect((await latest('x/none')).json()).toMatchObject({ statusCode: 404, code: 'FEATURE_NOT_FOUND' })
    expect((await latest(WALCL)).json()).toMatchObject({ statusCode: 404, code: 'NO_DATA' })
  })

  it('answers the newest point with stale and age_ms computed at read time', async () => {
    const recent = Date.now() - 30 * 60_000
    await publish([point(DEPTH, new Date(recent - HOUR).toISOString(), 1e9), point(DEPTH, new Date(recent).toISOString(), 2e9)])
    const body = (await latest(DEPTH)).json()
    expect(body).toMatchObject({ featureId: DEPTH, value: 2e9, stale: false, confidence: 1 })
    expect(body.age_ms).toBeGreaterThanOrEqual(30 * 60_000)
    expect(body.age_ms).toBeLessThan(40 * 60_000)
  })

  it('never returns an older value after a publish, whether the cache was warm or cold', async () => {
    const base = Date.now() - 10 * HOUR
    await publish([point(BTC_FLOW, new Date(base).toISOString(), 1e8)])
    expect((await latest(BTC_FLOW)).json().value).toBe(1e8) // cache now warm
    await publish([point(BTC_FLOW, new Date(base + HOUR).toISOString(), 2e8)])
    expect((await latest(BTC_FLOW)).json().value).toBe(2e8)
    // A revision of the newest point replaces it in the cache too.
    await publish([point(BTC_FLOW, new Date(base + HOUR).toISOString(), 2.5e8)])
    expect((await latest(BTC_FLOW)).json().value).toBe(2.5e8)
    // A backfill of older points leaves the newest in place.
    await publish([point(BTC_FLOW, new Date(base - 5 * HOUR).toISOString(), -1e8)])
    expect((await latest(BTC_FLOW)).json().value).toBe(2.5e8)
  })

  it('a reader with an older row cannot overwrite a newer cached one', async () => {
    const base = Date.now() - 20 * HOUR
    await publish([point(DEPTH, new Date(base).toISOString(), 3e9)])
    const [newest] = await store.sql`select ts from features_values where feature_id = ${DEPTH} order by ts desc limit 1`
    const results = await Promise.all(Array.from({ length: 20 }, () => latest(DEPTH)))
    for (const response of results) expect(Date.parse(response.json().ts)).toBe((newest?.ts as Date).getTime())
  })
})


/** A store on a redis-server of its own, which the tests of one describe may stop, freeze or restart. */
function storeWithOwnRedis(options: { persistent?: boolean } = {}) {
  const own = {} as { redisServer: RedisServerHandle; store: StoreHarness }
  beforeAll(async () => {
    own.redisServer = await startRedisServer(options)
    own.store = await startStore({ redisUrl: own.redisServer.url })
  })
  afterAll(async () => {
    own.redisServer.resume() // a test that failed while Redis was frozen must not hang the close
    await own.store.close()
    await own.redisServer.stop()
  })
  return own
}
describe('GET /latest when Redis stops', () => {
  const own = storeWithOwnRedis()

  it('keeps answering from PostgreSQL, counts the fallback, and uses the cache again once Redis is back', async () => {
    const ts = new Date(Date.now() - HOUR).toISOString()
    await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, ts, 4e9)] })
    const read = () => own.store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: READ })
    expect((await read()).json().value).toBe(4e9)

    await own.redisServer.stop()
    const response = await read()
    expect(response.statusCode).toBe(200)
    expect(response.json().value).toBe(4e9)
    const published = await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date().toISOString(), 5e9)] })
    expect(published.json()).toMatchObject({ accepted: 1 })
    expect((await read()).json().value).toBe(5e9)
    const metrics = (await own.store.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/feature_cache_fallback_total\{op="get"\} [1-9]/)
    const ready = await own.store.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json().checks.redis).toMatch(/^down/)

    await own.redisServer.start()
    await expect.poll(async () => (await own.store.app.inject({ method: 'GET', url: '/readyz' })).json().checks.redis, { timeout: 10_000 }).toBe('up')
    expect((await read()).json().value).toBe(5e9)
    const probe = createCacheRedis(own.redisServer.url, 500)
    await expect.poll(async () => (await probe.keys('*')).length, { timeout: 5_000 }).toBeGreaterThan(0)
    probe.disconnect()
  })
})

describe('GET /latest when Redis stalls (frozen, connections open)', () => {
  const own = storeWithOwnRedis()

  const metric = async (pattern: RegExp) => Number((await own.store.app.inject({ method: 'GET', url: '/metrics' })).body.match(pattern)?.[1] ?? 0)
  /** Cache reads and writes Redis has executed (a frozen Redis runs the queued ones once it wakes). */
  const cacheCommands = async () => {
    const probe = new Redis(own.redisServer.url)
    const stats = await probe.info('commandstats')
    probe.disconnect()
    return [...stats.matchAll(/cmdstat_(?:hmget|evalsha|eval):calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0)
  }

  it('pays one command timeout, then reads PostgreSQL without asking Redis on every read; publishes still land', async () => {
    const read = () => own.store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: READ })
    await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date(Date.now() - HOUR).toISOString(), 4e9)] })
    expect((await read()).json().value).toBe(4e9)
    const commandsBefore = await cacheCommands()

    own.redisServer.pause()
    const answers = []
    for (let i = 0; i < 10; i++) answers.push(await read())
    expect(answers.map((answer) => [answer.statusCode, answer.json().value])).toEqual(Array.from({ length: 10 }, () => [200, 4e9]))
    const published = await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date().toISOString(), 5e9)] })
    expect(published.json()).toMatchObject({ accepted: 1 })
    expect((await read()).json().value).toBe(5e9)
    expect(await metric(/feature_cache_fallback_total\{op="get"\} (\d+)/)).toBeGreaterThanOrEqual(1)

    own.redisServer.resume()
    await expect.poll(async () => metric(/feature_cache_unsynced_features (\d+)/), { timeout: 10_000 }).toBe(0)
    expect((await read()).json().value).toBe(5e9)
    // Eleven reads and a publish while frozen: one read and the repair timer's few tries reached
    // Redis, not one command (and one timeout) per request.
    expect((await cacheCommands()) - commandsBefore).toBeLessThanOrEqual(6)
  })
})

describe('GET /latest when a persistent Redis restarts with an older value', () => {
  const own = storeWithOwnRedis({ persistent: true })

  it('never serves the value Redis restored, and writes the newer one through again once Redis is back', async () => {
    const other = await own.store.rebuild()
    const read = (app = own.store.app) => app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: READ })
    await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date(Date.now() - HOUR).toISOString(), 4e9)] })
    expect((await read()).json().value).toBe(4e9)

    // Redis dies holding 4e9 on disk; the next publish commits 5e9 but cannot write it through.
    await own.redisServer.stop()
    const published = await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date().toISOString(), 5e9)] })
    expect(published.json()).toMatchObject({ accepted: 1 })
    expect((await read()).json().value).toBe(5e9)
    const unsyncedGauge = async () => (await own.store.app.inject({ method: 'GET', url: '/metrics' })).body.match(/^feature_cache_unsynced_features (\d+)/m)?.[1]
    expect(await unsyncedGauge()).toBe('1')

    await own.redisServer.start()
    const probe = createCacheRedis(own.redisServer.url, 500)
    const cachedValue = async () => {
      const keys = await probe.keys('*latest*')
      const prefix = keys[0] ? await probe.hget(keys[0], 'p') : null
      return prefix ? (JSON.parse(`${prefix}}`) as { value: number }).value : null
    }
    try {
      // The publishing replica reads PostgreSQL until the repair is through; then Redis has 5e9.
      const seen: number[] = []
      await expect
        .poll(
          async () => {
            seen.push((await read()).json().value)
            return cachedValue()
          },
          { timeout: 10_000, interval: 100 },
        )
        .toBe(5e9)
      expect(new Set(seen)).toEqual(new Set([5e9]))
      expect((await read(other)).json().value).toBe(5e9)
      await expect.poll(unsyncedGauge, { timeout: 5_000 }).toBe('0')
    } finally {
      probe.disconnect()
    }
  })
})

describe('GET /latest near-cache when Redis is killed', () => {
  const own = storeWithOwnRedis()
  const metric = async (pattern: RegExp) => Number((await own.store.app.inject({ method: 'GET', url: '/metrics' })).body.match(pattern)?.[1] ?? 0)
  const hits = () => metric(/^feature_near_cache_hits_total (\d+)/m)

  it('drops the near-cache with the invalidation channel, reads PostgreSQL as before, and serves from it again once resubscribed', async () => {
    const read = () => own.store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: READ })
    await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date(Date.now() - HOUR).toISOString(), 4e9)] })
    await expect.poll(async () => ((await read()).json().value, hits()), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await metric(/^feature_near_cache_entries (\d+)/m)).toBe(1)

    await own.redisServer.stop()
    await expect.poll(() => metric(/^feature_near_cache_entries (\d+)/m), { timeout: 10_000 }).toBe(0)
    const hitsWhileDown = await hits()
    const published = await own.store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: [point(DEPTH, new Date().toISOString(), 5e9)] })
    expect(published.json()).toMatchObject({ accepted: 1 })
    for (let i = 0; i < 3; i++) expect((await read()).json()).toMatchObject({ value: 5e9 })
    expect(await hits()).toBe(hitsWhileDown)
    expect(await metric(/^feature_near_cache_entries (\d+)/m)).toBe(0)

    await own.redisServer.start()
    await expect.poll(async () => ((await read()).json().value, hits()), { timeout: 15_000 }).toBeGreaterThan(hitsWhileDown)
    expect((await read()).json().value).toBe(5e9)
  })
})
