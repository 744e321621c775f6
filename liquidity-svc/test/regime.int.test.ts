import { RegimeOutputSchema, type RegimeOutput } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import { DAY_MS, MINUTE_MS, toIso } from '@lav/shared/time'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { signToken as storeToken, startStore, type StoreHarness } from '@lav/feature-store-svc/testing'
import { evaluateInstants } from '../src/signals/evaluate'
import { API, FEEDS, LIQUIDITY_SPECS, PARAMS, bearer, buildLiquidity } from './harness'
import { mockEvaluationData } from './mock-history'
import type { ZodApp } from '@lav/shared'
import type { Registry } from 'prom-client'

const DEMO_DAYS = 120
const NOW = Date.now()
const T0 = Math.floor(NOW / MINUTE_MS) * MINUTE_MS
const READ = bearer('oracle.reader')
let store: StoreHarness
let liquidity: { app: ZodApp; registry: Registry }

const get = (url: string, headers: Record<string, string> = READ) => liquidity.app.inject({ method: 'GET', url: `${API}${url}`, headers })

beforeAll(async () => {
  store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  // The demo dataset of `npm start`, published through the store's API with the SDK.
  const publisher = createFeatureStoreClient({ baseUrl: storeUrl, token: storeToken({ sub: 'demo', scope: 'oracle.publisher' }), timeoutMs: 30_000 })
  const totals = await backfill({ specs: LIQUIDITY_SPECS, adapter: createMockAdapter(), publish: (points) => publisher.publish(points), days: DEMO_DAYS, now: NOW })
  expect(totals.rejected).toBe(0)
  liquidity = await buildLiquidity({ storeUrl, now: () => NOW })
}, 120_000)
afterAll(async () => {
  await liquidity?.app.close()
  await store?.close()
})

describe('the regime over the published demo dataset', () => {
  it('GET /regime/latest answers the method applied to exactly the published points', async () => {
    const response = await get('/regime/latest')
    expect(response.statusCode).toBe(200)
    const output = RegimeOutputSchema.parse(response.json())
    const [expected] = evaluateInstants(FEEDS, PARAMS, await mockEvaluationData(NOW, DEMO_DAYS), [T0])
    expect(output).toEqual(expected)
    expect(output.updated_at).toBe(toIso(T0))
    expect(output.dq).toEqual({ ok: true, stale: [], missing: [] })
    expect(output.signals.map((signal) => signal.featureId)).toEqual(FEEDS.map((feed) => feed.featureId))
  })

  it('GET /regime/history over the evaluable span shows verde, amarillo and rojo', async () => {
    const since = toIso(NOW - 90 * DAY_MS)
    const response = await get(`/regime/history?since=${encodeURIComponent(since)}&until=${encodeURIComponent(toIso(NOW))}`)
    expect(response.statusCode).toBe(200)
    const history: RegimeOutput[] = response.json()
    expect(history).toHaveLength(91)
    expect(history.map((output) => output.updated_at)).toEqual(Array.from({ length: 91 }, (_, k) => toIso(T0 - (90 - k) * DAY_MS)))
    expect(new Set(history.map((output) => output.state))).toEqual(new Set(['verde', 'amarillo', 'rojo']))
    expect(history.at(-1)).toEqual((await get('/regime/latest')).json())
  })

  it('asOf evaluates a past instant exactly as the history does', async () => {
    const asOf = T0 - 17 * DAY_MS
    const single = (await get(`/regime/latest?asOf=${encodeURIComponent(toIso(asOf))}`)).json()
    const [fromHistory] = (await get(`/regime/history?since=${encodeURIComponent(toIso(asOf))}&until=${encodeURIComponent(toIso(asOf))}`)).json()
    expect(single.updated_at).toBe(toIso(asOf))
    expect(single).toEqual(fromHistory)
  })

  it('before any data the answer is the neutral fallback, with every feed missing', async () => {
    const response = await get(`/regime/latest?asOf=${encodeURIComponent(toIso(NOW - 200 * DAY_MS))}`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      state: 'amarillo',
      candidate: 'amarillo',
      score: 50,
      score_raw: null,
      confidence: 0,
      coherence: 0,
      components: { gl: null, cn: null, mp: null },
      dq: { ok: false, stale: [], missing: FEEDS.map((feed) => feed.featureId) },
    })
  })

  it('GET /scoreboard and GET /hints describe the live regime', async () => {
    const latest = (await get('/regime/latest')).json()
    const board = await get('/scoreboard')
    expect(board.statusCode).toBe(200)
    const { score, state, components, signals, coherence, updated_at } = latest
    expect(board.json()).toEqual({ score, state, components, signals, coherence, updated_at })
    const hints = (await get('/hints')).json()
    expect(hints).toMatchObject({ state, advisory_only: true })
    for (const kind of ['directional', 'market_neutral', 'yield']) {
      expect(['increase', 'neutral', 'reduce']).toContain(hints[kind].stance)
      expect(hints[kind].rationale).toContain(state)
    }
  })

  it('a burst of identical requests costs one evaluation', async () => {
    const asOf = encodeURIComponent(toIso(T0 - 3 * DAY_MS + 7 * MINUTE_MS))
    const before = await evaluationCount()
    const answers = await Promise.all(Array.from({ length: 25 }, () => get(`/regime/latest?asOf=${asOf}`)))
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true)
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1)
    expect((await evaluationCount()) - before).toBe(1)
  })

  it('/metrics shows the live score, state, z-scores, coherence and the evaluation histogram', async () => {
    const response = await liquidity.app.inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    const latest = (await get('/regime/latest')).json()
    const text = response.body
    expect(text).toContain(`liquidity_score{block="composite"} ${latest.score}`)
    expect(text).toContain(`liquidity_regime_state{state="${latest.state}"} 1`)
    expect(text).toMatch(/liquidity_component_zscore\{component="mp",feature="cex\/agg\/perp_oi_usd"\} -?\d/)
    expect(text).toContain(`liquidity_coherence{component="all"} ${latest.coherence}`)
    expect(text).toMatch(/liquidity_evaluation_duration_seconds_count\{kind="history"\} [1-9]/)
    expect(text).toContain('liquidity_feature_fetch_failures_total')
  })

  it('serves its OpenAPI document for the gateway, listing the four routes', async () => {
    const response = await liquidity.app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    expect(Object.keys(response.json().paths)).toEqual(expect.arrayContaining([`${API}/regime/latest`, `${API}/regime/history`, `${API}/scoreboard`, `${API}/hints`]))
  })
})

describe('requests the API refuses', () => {
  const cases: Record<string, [string, RegExp]> = {
    'an unparseable asOf': ['/regime/latest?asOf=yesterday', /asOf/],
    'asOf without an offset': ['/regime/latest?asOf=2025-10-20T00:00:00', /asOf/],
    'asOf in the future': [`/regime/latest?asOf=${encodeURIComponent(toIso(NOW + 10 * MINUTE_MS))}`, /asOf is in the future/],
    'an unparseable since': ['/regime/history?since=2025-02-30T00:00:00Z', /since/],
    'an unparseable until': ['/regime/history?until=soon', /until/],
    'until in the future': [`/regime/history?until=${encodeURIComponent(toIso(NOW + DAY_MS))}`, /until is in the future/],
    'since after until': [`/regime/history?since=${encodeURIComponent(toIso(NOW - DAY_MS))}&until=${encodeURIComponent(toIso(NOW - 2 * DAY_MS))}`, /since must not be after until/],
    'a history of 367 instants': [`/regime/history?since=${encodeURIComponent(toIso(T0 - 366 * DAY_MS))}&until=${encodeURIComponent(toIso(T0))}`, /367 daily instants, more than 366/],
    'an unknown parameter': ['/scoreboard?asOf=2025-10-20T00:00:00Z', /asOf/],
  }
  for (const [label, [url, message]] of Object.entries(cases)) {
    it(`${label} → 400 naming it`, async () => {
      const response = await get(url)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' })
      expect(response.json().message).toMatch(message)
    })
  }

  it('accepts a history of exactly 366 instants', async () => {
    const response = await get(`/regime/history?since=${encodeURIComponent(toIso(T0 - 365 * DAY_MS))}&until=${encodeURIComponent(toIso(T0))}`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toHaveLength(366)
  })

  const ROUTES = ['/regime/latest', '/regime/history', '/scoreboard', '/hints']
  for (const route of ROUTES) {
    it(`${route}: 401 without a token, 403 without oracle.reader`, async () => {
      const anonymous = await get(route, {})
      expect(anonymous.statusCode).toBe(401)
      expect(anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED' })
      const forged = await get(route, { authorization: `Bearer ${signToken('oracle.reader').slice(0, -2)}xx` })
      expect(forged.statusCode).toBe(401)
      const wrongScope = await get(route, bearer('oracle.exporter'))
      expect(wrongScope.statusCode).toBe(403)
      expect(wrongScope.json()).toMatchObject({ code: 'FORBIDDEN' })
    })
  }

  it('health and metrics need no token; /readyz reports the store up', async () => {
    for (const url of ['/healthz', '/metrics']) expect((await liquidity.app.inject({ method: 'GET', url })).statusCode).toBe(200)
    const ready = await liquidity.app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ready', checks: { featureStore: 'up' } })
  })
})

function signToken(scope: string): string {
  return storeToken({ sub: 'tester', scope })
}

async function evaluationCount(): Promise<number> {
  const text = await liquidity.registry.getSingleMetricAsString('liquidity_evaluation_duration_seconds')
  return Number(/liquidity_evaluation_duration_seconds_count\{kind="latest"\} (\d+)/.exec(text)?.[1] ?? 0)
}
