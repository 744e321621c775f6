import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BREAKER, HS_AUTH, startFakeUpstream, startGateway, type FakeUpstream } from './harness'

const authorization = `Bearer ${createTokenSigner(HS_AUTH)({ sub: 'breaker', scope: 'oracle.reader' })}`
let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})

async function hammer(app: Awaited<ReturnType<typeof startGateway>>['app'], n: number) {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: { authorization } })).statusCode)
  return statuses
}

describe('circuit breaker in front of a real upstream', () => {
  it('opens on 15% upstream 500s over 100 requests, answers 503 with retry-after, and recovers through one probe', async () => {
    const clock = { now: Date.now() }
    const { app, registry } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, now: () => clock.now, breaker: { ...BREAKER, openMs: 30_000 } })
    upstream.behave = (_call, index) => ({ status: index % 20 >= 17 ? 500 : 200 })
    upstream.calls.length = 0
    const statuses = await hammer(app, 100)
    expect(statuses).toContain(503)
    const callsWhenOpen = upstream.calls.length
    const rejected = await app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: { authorization } })
    expect(rejected.statusCode).toBe(503)
    expect(rejected.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', error: 'Service Unavailable' })
    expect(Number(rejected.headers['retry-after'])).toBeGreaterThan(0)
    expect(upstream.calls.length).toBe(callsWhenOpen)
    expect(await registry.getSingleMetricAsString('gateway_circuit_state')).toContain('gateway_circuit_state{upstream="features"} 2')

    // The liquidity upstream has a breaker of its own and stays closed.
    expect((await app.inject({ method: 'GET', url: '/api/liquidity/v1/hints', headers: { authorization } })).statusCode).toBe(200)

    upstream.behave = () => ({ status: 200 })
    clock.now += 30_001
    expect((await hammer(app, 1))[0]).toBe(200)
    expect(await registry.getSingleMetricAsString('gateway_circuit_state')).toContain('gateway_circuit_state{upstream="features"} 0')
    expect(await hammer(app, 5)).toEqual([200, 200, 200, 200, 200])
    await app.close()
  })

  it('stays closed at 5% failures over 100 requests and at 1 failure in 2', async () => {
    const { app } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url } })
    upstream.behave = (_call, index) => ({ status: index % 20 === 19 ? 500 : 200 })
    upstream.calls.length = 0
    const statuses = await hammer(app, 100)
    expect(statuses.filter((s) => s === 503)).toHaveLength(0)
    expect(statuses.filter((s) => s === 500)).toHaveLength(5)
    await app.close()

    const fresh = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url } })
    upstream.behave = (_call, index) => ({ status: index % 2 === 0 ? 500 : 200 })
    upstream.calls.length = 0
    expect(await hammer(fresh.app, 2)).toEqual([500, 200])
    expect((await hammer(fresh.app, 1))[0]).not.toBe(503)
    await fresh.app.close()
  })

  it('a failed probe keeps the circuit open', async () => {
    const clock = { now: Date.now() }
    const { app } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, now: () => clock.now })
    upstream.behave = () => ({ status: 500 })
    await hammer(app, 25)
    clock.now += 30_001
    expect(await hammer(app, 2)).toEqual([500, 503])
    await app.close()
  })
})
