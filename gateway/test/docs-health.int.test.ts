import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../test/support/redis-server'
import { startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { startGateway } from './harness'

let store: StoreHarness
let storeUrl: string
let missing: string

beforeAll(async () => {
  store = await startStore()
  storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  missing = `http://127.0.0.1:${await freePort()}`
})
afterAll(async () => {
  await store.close()
})

describe('docs', () => {
  it('serves the merged OpenAPI document and a browsable UI without a token', async () => {
    const { app } = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: missing } })
    const json = await app.inject({ method: 'GET', url: '/docs/json' })
    expect(json.statusCode).toBe(200)
    const document = json.json()
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/features/v1/publish', '/api/features/v1/query', '/api/features/v1/catalog/{id}']))
    expect(Object.keys(document.paths)).not.toContain('/healthz')
    expect(document.info.description).toContain('liquidity-svc')
    const ui = await app.inject({ method: 'GET', url: '/docs/' })
    expect(ui.statusCode).toBe(200)
    expect(ui.headers['content-type']).toContain('text/html')
    await app.close()
  })
})

describe('health and metrics', () => {
  it('/readyz names the upstream that is down; /healthz is always up', async () => {
    const { app } = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: missing } })
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks).toMatchObject({ features: 'up', liquidity: expect.stringMatching(/^down/) })
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    const allUp = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: storeUrl } })
    expect((await allUp.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    await allUp.app.close()
    await app.close()
  })

  it('/metrics counts requests and latency per bounded route label and status', async () => {
    const { app } = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: missing } })
    const authorization = `Bearer ${createTokenSigner(TEST_AUTH)({ sub: 'm', scope: 'oracle.reader' })}`
    await app.inject({ method: 'GET', url: '/api/features/v1/catalog/macro%2Fus%2Fwalcl_total_usd', headers: { authorization } })
    await app.inject({ method: 'GET', url: '/api/features/v1/catalog/nope%2Fnope', headers: { authorization } })
    await app.inject({ method: 'GET', url: '/api/features/v1/catalog' })
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain('http_requests_total{method="GET",route="/api/features/v1/catalog/:id",status="200"} 1')
    expect(metrics).toContain('http_requests_total{method="GET",route="/api/features/v1/catalog/:id",status="404"} 1')
    expect(metrics).toContain('http_requests_total{method="GET",route="/api/features/v1/catalog",status="401"} 1')
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/api\/features\/v1\/catalog\/:id",status="200"\} 1/)
    expect(metrics).toContain('gateway_circuit_state{upstream="features"} 0')
    await app.close()
  })
})
