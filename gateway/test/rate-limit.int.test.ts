import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { startRedisServer, type RedisServerHandle } from '../../test/support/redis-server'
import { createRateLimitRedis, whenConnected } from '../src/ratelimit/redis-client'
import { HS_AUTH, startFakeUpstream, startGateway, type FakeUpstream } from './harness'

const sign = createTokenSigner(HS_AUTH)
const auth = (sub: string) => ({ authorization: `Bearer ${sign({ sub, scope: 'oracle.reader' })}` })
const LIMIT = 30
let upstream: FakeUpstream

beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})

describe('rate limit in Redis, per subject', () => {
  it('lets exactly `limit` of limit + 20 concurrent requests through; the rest get 429 with retry-after', async () => {
    const redis = createRateLimitRedis(inject('redisUrl'), 500)
    await whenConnected(redis)
    const { app } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, rateLimitPerMinute: LIMIT, redis })
    const responses = await Promise.all(Array.from({ length: LIMIT + 20 }, () => app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: auth('burst') })))
    const passed = responses.filter((r) => r.statusCode === 200)
    const limited = responses.filter((r) => r.statusCode === 429)
    expect(passed).toHaveLength(LIMIT)
    expect(limited).toHaveLength(20)
    for (const response of limited) {
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
      expect(response.headers['x-ratelimit-remaining']).toBe('0')
      expect(response.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests' })
    }
    expect(passed[0]?.headers['x-ratelimit-limit']).toBe(String(LIMIT))
    const remaining = passed.map((r) => Number(r.headers['x-ratelimit-remaining'])).sort((a, b) => a - b)
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, i) => i))

    const other = await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: auth('someone-else') })
    expect(other.statusCode).toBe(200)
    expect(other.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1))
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    expect(health.headers['x-ratelimit-limit']).toBeUndefined()
    await app.close()
    redis.disconnect()
  })

  it('counts requests without a valid token per client address', async () => {
    const redis = createRateLimitRedis(inject('redisUrl'), 500)
    await whenConnected(redis)
    const { app } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, rateLimitPerMinute: 3, redis })
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: { authorization: 'Bearer junk' } })).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429, 429])
    expect((await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: auth('valid') })).statusCode).toBe(200)
    await app.close()
    redis.disconnect()
  })
})

describe('rate limit when Redis stops', () => {
  let server: RedisServerHandle
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('fails open within a second per request, counts the bypass, and limits again once Redis is back', async () => {
    const redis = createRateLimitRedis(server.url, 500)
    await whenConnected(redis)
    const { app, registry } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, rateLimitPerMinute: 5, redis })
    const call = () => app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: auth('outage') })
    expect((await call()).headers['x-ratelimit-remaining']).toBe('4')

    await server.stop()
    for (let i = 0; i < 10; i++) {
      const started = Date.now()
      const response = await call()
      // The contract of the issue: a Redis outage never holds a request for more than a second.
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-ratelimit-limit']).toBeUndefined()
    }
    expect(await registry.getSingleMetricAsString('gateway_ratelimit_bypass_total')).toMatch(/gateway_ratelimit_bypass_total 10$/m)
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.json().checks.redis).toMatch(/^down/)

    await server.start()
    await expect.poll(async () => (await call()).headers['x-ratelimit-limit'], { timeout: 10_000, interval: 200 }).toBe('5')
    const statuses = await Promise.all(Array.from({ length: 8 }, async () => (await call()).statusCode))
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0)
    await app.close()
    redis.disconnect()
  })
})
