import { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../test/support/redis-server'
import { signToken, startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { HS_AUTH, startFakeUpstream, startGateway, type FakeUpstream } from './harness'

const sign = createTokenSigner(HS_AUTH)
let store: StoreHarness
let storeUrl: string
let liquidity: FakeUpstream
let gateway: Awaited<ReturnType<typeof startGateway>>

beforeAll(async () => {
  store = await startStore()
  storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  liquidity = await startFakeUpstream()
  // The gateway shares the store's test key, so one token passes both, as in a deployment.
  // The multi-megabyte publish creates ~400 day partitions: on a loaded machine that outlasts the
  // harness's 5 s upstream timeout, which this test is not about.
  gateway = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: liquidity.url }, upstreamTimeoutMs: 30_000 })
})
afterAll(async () => {
  await gateway.app.close()
  await liquidity.close()
  await store.close()
})

const storeToken = async (scope: string) => signToken({ sub: 'proxy-test', scope })

describe('proxy to the real feature store', () => {
  it('publishes 10,000 points (a multi-megabyte body) and reads them back through the gateway', async () => {
    const token = await storeToken('oracle.publisher')
    const start = Date.UTC(2025, 0, 1)
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      featureId: 'cex/agg/perp_oi_usd',
      ts: new Date(start + i * 3_600_000).toISOString(),
      value: 3e10 + i,
      meta: { note: 'x'.repeat(200) },
    }))
    const body = JSON.stringify(points)
    expect(body.length).toBeGreaterThan(2_000_000)
    const published = await gateway.app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: body })
    expect(published.statusCode).toBe(200)
    expect(published.json()).toEqual({ accepted: 10_000, rejected: 0, errors: [] })
    const latest = await gateway.app.inject({ method: 'GET', url: '/api/features/v1/latest?featureId=cex%2Fagg%2Fperp_oi_usd', headers: { authorization: `Bearer ${token}` } })
    expect(latest.json()).toMatchObject({ value: 3e10 + 9_999 })
  })

  it('passes the store’s own errors through unchanged', async () => {
    const token = await storeToken('oracle.reader')
    const response = await gateway.app.inject({ method: 'POST', url: '/api/features/v1/query', headers: { authorization: `Bearer ${token}` }, payload: { featureIds: ['x/none'] } })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'FEATURE_NOT_FOUND' })
  })

  it('a body over the service’s limit → 413 from the gateway, not 502 (found by the schema fuzzer: the store closed the socket mid-upload, EPIPE)', async () => {
    const token = await storeToken('oracle.admin')
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const body = `{"featureIds":[${'"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'.repeat(220_000)}"x"]}`
    for (const url of ['/api/features/v1/query', '/api/features/v1/catalog']) {
      const response = await gateway.app.inject({ method: 'POST', url, headers, payload: body })
      expect(response.statusCode).toBe(413)
      expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is over the limit of 1048576 bytes' })
    }
    // Chunked, without a content-length: counted as it streams, refused before the service sees the excess.
    for (let i = 0; i < 3; i++) {
      const chunked = await gateway.app.inject({ method: 'POST', url: '/api/features/v1/query', headers, payload: Readable.from([body.slice(0, 600_000), body.slice(600_000)]) })
      expect(chunked.statusCode).toBe(413)
      expect(chunked.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    }
    const after = await gateway.app.inject({ method: 'POST', url: '/api/features/v1/query', headers, payload: { featureIds: ['x/none'] } })
    expect(after.statusCode).toBe(404)
    // Over a real socket the client gets to send its whole body and read the 413 (not EPIPE), and the connection carries the next request.
    const agent = new Agent({ connections: 1 })
    const url = `${await gateway.app.listen({ host: '127.0.0.1', port: 0 })}/api/features/v1/query`
    for (let i = 0; i < 3; i++) {
      const tenMegabytes = Readable.from(Array.from({ length: 100 }, (_, k) => (k === 0 ? '{"featureIds":[' : '') + '"x",'.repeat(25_000)))
      const answer = await request(url, { method: 'POST', headers, body: tenMegabytes, dispatcher: agent })
      expect(answer.statusCode).toBe(413)
      expect(await answer.body.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
      const next = await request(url, { method: 'POST', headers, body: JSON.stringify({ featureIds: ['x/none'] }), dispatcher: agent })
      expect(next.statusCode).toBe(404)
      await next.body.dump()
    }
    await agent.close()
  })
})

describe('headers', () => {
  const readerHeaders = () => ({ authorization: `Bearer ${sign({ sub: 'h', scope: 'oracle.reader' })}` })
  let plain: Awaited<ReturnType<typeof startGateway>>
  beforeAll(async () => {
    plain = await startGateway({ upstreams: { features: liquidity.url, liquidity: liquidity.url } })
  })
  afterAll(async () => {
    await plain.app.close()
  })

  it('forwards the correlation id, authorization and x-forwarded-*, and echoes the id', async () => {
    const response = await plain.app.inject({ method: 'GET', url: '/api/liquidity/v1/scoreboard', headers: { ...readerHeaders(), 'x-correlation-id': 'corr-123' } })
    expect(response.headers['x-correlation-id']).toBe('corr-123')
    const seen = liquidity.calls.at(-1)?.headers
    expect(seen?.['x-correlation-id']).toBe('corr-123')
    expect(seen?.authorization).toMatch(/^Bearer /)
    expect(seen?.['x-forwarded-for']).toBeTruthy()
    expect(seen?.['x-forwarded-proto']).toBe('http')
    expect(seen?.['x-forwarded-host']).toBeTruthy()
  })

  it('generates an id when the caller sends none or an unsafe one, and sends that same id upstream', async () => {
    const response = await plain.app.inject({ method: 'GET', url: '/api/liquidity/v1/hints', headers: { ...readerHeaders(), 'x-correlation-id': 'no spaces allowed' } })
    const generated = response.headers['x-correlation-id'] as string
    expect(generated).toMatch(/^[0-9a-f-]{36}$/)
    expect(liquidity.calls.at(-1)?.headers['x-correlation-id']).toBe(generated)
  })
})

describe('upstream failures in the shared error shape', () => {
  const headers = () => ({ authorization: `Bearer ${sign({ sub: 'f', scope: 'oracle.reader' })}` })

  it('a refused connection → 502 UPSTREAM_UNREACHABLE', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const { app } = await startGateway({ upstreams: { features: closed, liquidity: closed } })
    const response = await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: headers() })
    expect(response.statusCode).toBe(502)
    expect(response.json()).toMatchObject({ statusCode: 502, code: 'UPSTREAM_UNREACHABLE', error: 'Bad Gateway' })
    expect(response.body).not.toMatch(/ECONNREFUSED|stack/)
    await app.close()
  })

  it('an upstream slower than the timeout → 504 UPSTREAM_TIMEOUT', async () => {
    const slow = await startFakeUpstream()
    slow.behave = () => ({ status: 200, delayMs: 1_500 })
    const { app } = await startGateway({ upstreams: { features: slow.url, liquidity: slow.url }, upstreamTimeoutMs: 300 })
    const response = await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: headers() })
    expect(response.statusCode).toBe(504)
    expect(response.json()).toMatchObject({ statusCode: 504, code: 'UPSTREAM_TIMEOUT', error: 'Gateway Timeout' })
    await app.close()
    await slow.close()
  })
})
