import { createServer, type Server, type Socket } from 'node:net'
import { DAY_MS, toIso } from '@lav/shared/time'
import { afterAll, describe, expect, it } from 'vitest'
import { DEPTH, bearer as storeBearer, startStore, type StoreHarness } from '@lav/feature-store-svc/testing'
import { API, bearer, buildLiquidity } from './harness'

const READ = bearer('oracle.reader')
const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await run()
  return { value, ms: performance.now() - started }
}

/** Accepts connections and never answers: a feature store that hangs. */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

describe('when the feature store is stopped', () => {
  let store: StoreHarness

  it('answers 503 FEATURE_STORE_UNAVAILABLE and /readyz says the store is down', async () => {
    store = await startStore()
    cleanups.push(() => store.close())
    const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
    await store.app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: storeBearer('oracle.publisher'), payload: [{ featureId: DEPTH, ts: toIso(Date.now() - 60_000), value: 1e9 }] })
    // A 1 ms cache: after the store stops, the live regime must be fetched (and fail) again.
    const liquidity = await buildLiquidity({ storeUrl, config: { cacheTtlMs: 1 } })
    cleanups.push(() => liquidity.app.close())
    expect((await liquidity.app.inject({ method: 'GET', url: `${API}/regime/latest`, headers: READ })).statusCode).toBe(200)
    expect((await liquidity.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^liquidity_regime_state\{state="amarillo"\} 1$/m)

    await store.app.close()
    const asOf = encodeURIComponent(toIso(Date.now() - DAY_MS))
    const { value: response, ms } = await timed(() => liquidity.app.inject({ method: 'GET', url: `${API}/regime/latest?asOf=${asOf}`, headers: READ }))
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'FEATURE_STORE_UNAVAILABLE', error: 'Service Unavailable' })
    expect(response.json().message).toMatch(/feature store/)
    expect(ms).toBeLessThan(2_000)
    const ready = await liquidity.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toMatchObject({ status: 'not ready', checks: { featureStore: expect.stringMatching(/^down: /) } })
    const metrics = (await liquidity.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/liquidity_feature_fetch_failures_total\{reason="NETWORK"\} [1-9]/)
    // The live gauges held values while the store was up; with it down they say nothing.
    expect(metrics).not.toMatch(/^liquidity_(score|regime_state)\{/m)
  })
})

describe('when the feature store hangs', () => {
  it('every endpoint answers 503 within 2 s instead of waiting', async () => {
    const { url } = await silentServer()
    const liquidity = await buildLiquidity({ storeUrl: url })
    cleanups.push(() => liquidity.app.close())
    const paths = ['/regime/latest', `/regime/history?since=${encodeURIComponent(toIso(Date.now() - 30 * DAY_MS))}`, '/scoreboard', '/hints']
    const answers = await Promise.all(paths.map((path) => timed(() => liquidity.app.inject({ method: 'GET', url: `${API}${path}`, headers: READ }))))
    for (const [index, { value: response, ms }] of answers.entries()) {
      const path = paths[index]
      expect(response.statusCode, path).toBe(503)
      expect(response.json(), path).toMatchObject({ code: 'FEATURE_STORE_UNAVAILABLE' })
      // The contract: an answer within 2 s (the fetch gives up after 1.5 s).
      expect(ms, path).toBeLessThan(2_000)
    }
    const { value: ready, ms } = await timed(() => liquidity.app.inject({ method: 'GET', url: '/readyz' }))
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks.featureStore).toMatch(/timed out/)
    expect(ms).toBeLessThan(2_000)
  })
})
