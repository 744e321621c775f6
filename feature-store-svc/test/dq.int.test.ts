import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BTC_FLOW, DEPTH, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const READ = bearer('oracle.reader')
const HOUR = 3_600_000
const NOW = Date.UTC(2025, 10, 10, 12)
const iso = (ms: number) => new Date(ms).toISOString()
let store: StoreHarness

beforeAll(async () => {
  store = await startStore({ now: () => NOW })
  // Depth: hourly for the last 24 h but 2.5 h old at the newest (ttl 2 h → stale, not yet a violation at 1.5×=3 h).
  // Its newest point carries confidence 0.6, which the report gives as last_confidence.
  const depth = Array.from({ length: 22 }, (_, i) => point(DEPTH, iso(NOW - 2.5 * HOUR - i * HOUR), 1e9, i === 0 ? { confidence: 0.6 } : {}))
  // BTC flow: 5 days old → stale (ttl 4 d) but not a violation (within 1.5 × ttl = 6 d).
  const flow = [point(BTC_FLOW, iso(NOW - 5 * 24 * HOUR), 1e8)]
  const response = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: bearer('oracle.publisher'), payload: [...depth, ...flow] })
  expect(response.json()).toMatchObject({ rejected: 0 })
})
afterAll(async () => {
  await store.close()
})

const dq = (query: Record<string, string>) => store.app.inject({ method: 'GET', url: `${API}/dq`, query, headers: READ })

describe('GET /dq', () => {
  it('reports freshness, coverage and range for one feature', async () => {
    const report = (await dq({ featureId: DEPTH, since: iso(NOW - 24 * HOUR), until: iso(NOW) })).json()
    expect(report.features).toHaveLength(1)
    const [feature] = report.features
    expect(feature.freshness).toEqual({ last_ts: iso(NOW - 2.5 * HOUR), last_confidence: 0.6, age_ms: 2.5 * HOUR, ttl_ms: 2 * HOUR, stale: true, violation: false })
    expect(feature.coverage).toMatchObject({ expected: 24, observed: 22, min: 0.8, violation: false })
    expect(feature.coverage.ratio).toBeCloseTo(22 / 24, 12)
    expect(feature.range).toEqual({ expected_range: [2e7, 2e10], violations: 0 })
    expect(feature.ok).toBe(true)
  })

  it('a window of thousands of years (found by the schema fuzzer: a 500 past an int of slots, and seconds of CPU walking every slot) → 200, the gaps between the points', async () => {
    // The widest window the API takes: 1800 (its floor for every instant) to the end of 9999.
    const since = '1800-01-01T00:00:00Z'
    const until = '9999-12-31T23:59:59Z'
    const response = await dq({ since, until })
    expect(response.statusCode).toBe(200)
    const depth = response.json().features.find((f: { featureId: string }) => f.featureId === DEPTH)
    expect(depth.coverage).toMatchObject({ observed: 22, expected: Math.floor((Date.parse(until) - Date.parse(since)) / HOUR) })
    expect(depth.coverage.gaps).toHaveLength(2)
    expect(depth.coverage.gaps[0]).toEqual({ from: '1800-01-01T00:00:00.000Z', to: iso(NOW - 24 * HOUR) })
    expect(depth.coverage.gaps.at(-1).to).toBe('9999-12-31T23:59:59.000Z')
  })

  it('flags a freshness violation past ttl × FEATURE_DQ_FRESHNESS_MAX_RATIO and low coverage', async () => {
    const later = await store.rebuild({ now: () => NOW + 1.5 * HOUR })
    const [feature] = (await later.inject({ method: 'GET', url: `${API}/dq`, query: { featureId: DEPTH }, headers: READ })).json().features
    expect(feature.freshness).toMatchObject({ age_ms: 4 * HOUR, stale: true, violation: true })
    expect(feature.coverage.violation).toBe(true) // 22 of the week's 168 hours
    expect(feature.ok).toBe(false)
  })

  it('counts stored values outside a range tightened after they were published', async () => {
    const current = (await store.app.inject({ method: 'GET', url: `${API}/catalog/${encodeURIComponent(BTC_FLOW)}`, headers: READ })).json()
    const { version: _version, ...spec } = current as Record<string, unknown>
    const changed = await store.app.inject({
      method: 'POST',
      url: `${API}/catalog`,
      headers: bearer('oracle.admin'),
      payload: { ...spec, quality: { expected_range: [-1e7, 1e7] } },
    })
    expect(changed.statusCode).toBe(200)
    const [feature] = (await dq({ featureId: BTC_FLOW })).json().features
    expect(feature.range).toEqual({ expected_range: [-1e7, 1e7], violations: 1 })
    expect(feature.freshness).toMatchObject({ stale: true, violation: false })
    expect(feature.ok).toBe(false)
  })

  it('fills the DQ gauges at scrape time, without anyone calling /dq', async () => {
    const fresh = await store.rebuild({ now: () => NOW })
    const metrics = (await fresh.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain(`feature_freshness_seconds{feature="${DEPTH}"} 9000`)
    expect(metrics).toContain('feature_freshness_seconds{feature="macro/us/walcl_total_usd"} +Inf')
    expect(metrics).toContain(`feature_ttl_seconds{feature="${DEPTH}"} 7200`)
    expect(metrics).toMatch(/feature_coverage_ratio\{feature="macro\/us\/walcl_total_usd"\} 0/)
  })

  it('with PostgreSQL refusing connections, /metrics still answers: the DQ and storage gauges are left out and counted', async () => {
    const scrape = async () => (await store.app.inject({ method: 'GET', url: '/metrics' })) as { statusCode: number; body: string }
    await store.database.refuseConnections(true)
    try {
      const outage = await scrape()
      expect(outage.statusCode).toBe(200)
      expect(outage.body).not.toMatch(/^feature_freshness_seconds\{/m)
      expect(outage.body).not.toMatch(/^feature_storage_size_bytes\{/m)
      expect(outage.body).toMatch(/^feature_ingest_total\{feature="cex\/agg\/spot_depth_2pct_usd"\} \d+$/m)
      // Counters are read while the gauges collect: the count shows from the next scrape on.
      const next = await scrape()
      expect(next.statusCode).toBe(200)
      expect(next.body).toMatch(/^feature_dq_scrape_failures_total\{gauge="feature_freshness_seconds"\} [1-9]$/m)
      expect(next.body).toMatch(/^feature_dq_scrape_failures_total\{gauge="feature_storage_size_bytes"\} [1-9]$/m)
    } finally {
      await store.database.refuseConnections(false)
    }
    await expect.poll(async () => (await scrape()).body, { timeout: 5_000 }).toMatch(new RegExp(`^feature_freshness_seconds\\{feature="${DEPTH}"\\} 9000$`, 'm'))
  })

  it('without an id reports every active feature and fills the gauges', async () => {
    const report = (await dq({})).json()
    expect(report.features.length).toBeGreaterThanOrEqual(20)
    expect(report.ok).toBe(false)
    const never = report.features.find((f: { featureId: string }) => f.featureId === 'macro/us/walcl_total_usd')
    expect(never.freshness).toMatchObject({ last_ts: null, last_confidence: null, age_ms: null, stale: true, violation: true })
    const metrics = (await store.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toContain(`feature_freshness_seconds{feature="${DEPTH}"} 9000`)
    expect(metrics).toMatch(new RegExp(`feature_coverage_ratio\\{feature="${DEPTH.replaceAll('/', '\\/')}"\\} 0\\.13`))
    expect(metrics).toMatch(/feature_storage_size_bytes\{layer="pg"\} [1-9]\d*/)
  })

  it('400 for since after until, 404 for an unknown feature', async () => {
    expect((await dq({ since: iso(NOW), until: iso(NOW - HOUR) })).statusCode).toBe(400)
    expect((await dq({ featureId: 'x/none' })).json()).toMatchObject({ statusCode: 404, code: 'FEATURE_NOT_FOUND' })
  })
})
