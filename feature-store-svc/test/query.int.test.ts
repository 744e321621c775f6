import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BTC_FLOW, DEPTH, WALCL, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const READ = bearer('oracle.reader')
let store: StoreHarness

const HOUR = 3_600_000
const DAY0 = Date.UTC(2025, 9, 1)
const iso = (ms: number) => new Date(ms).toISOString()

beforeAll(async () => {
  store = await startStore()
  // 48 hourly depth points on Oct 1–2 except hours 10..13 of Oct 1; daily flows Oct 1..10.
  const depth = Array.from({ length: 48 }, (_, h) => h)
    .filter((h) => h < 10 || h > 13)
    .map((h) => point(DEPTH, iso(DAY0 + h * HOUR), 1e9 + h * 1e6))
  const flows = Array.from({ length: 10 }, (_, d) => point(BTC_FLOW, iso(DAY0 + d * 24 * HOUR), (d - 5) * 1e8))
  const response = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: bearer('oracle.publisher'), payload: [...depth, ...flows] })
  expect(response.json()).toMatchObject({ rejected: 0 })
})
afterAll(async () => {
  await store.close()
})

const query = (payload: object) => store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload })

describe('POST /query', () => {
  it('returns raw points ascending, inclusive at both ends, with coverage and gaps', async () => {
    const response = await query({ featureIds: [DEPTH], since: iso(DAY0), until: iso(DAY0 + 23 * HOUR) })
    expect(response.statusCode).toBe(200)
    const [result] = response.json()
    expect(result.points.map((p: { ts: string }) => p.ts)[0]).toBe(iso(DAY0))
    expect(result.points.at(-1).ts).toBe(iso(DAY0 + 23 * HOUR))
    expect(result.points).toHaveLength(20)
    expect(result.points[0]).toMatchObject({ featureId: DEPTH, value: 1e9, confidence: 1, stale: true })
    expect(result.points[0].ingested_at).toMatch(/Z$/)
    expect(result.truncated).toBe(false)
    expect(result.coverage).toEqual({
      ratio: 19 / 23,
      expected: 23,
      observed: 19,
      gaps: [{ from: iso(DAY0 + 10 * HOUR), to: iso(DAY0 + 14 * HOUR) }],
    })
  })

  it('caps raw points at limit and says so', async () => {
    const [result] = (await query({ featureIds: [DEPTH], since: iso(DAY0), until: iso(DAY0 + 47 * HOUR), limit: 5 })).json()
    expect(result.points).toHaveLength(5)
    expect(result.truncated).toBe(true)
    expect(result.coverage.observed).toBe(43)
  })

  it('applies the limit per feature when several are asked', async () => {
    const window = { since: iso(DAY0), until: iso(DAY0 + 47 * HOUR) }
    const [depth, flow] = (await query({ featureIds: [DEPTH, BTC_FLOW], ...window, limit: 12 })).json()
    expect(depth.points).toHaveLength(12)
    expect(depth.truncated).toBe(true)
    expect(depth.coverage.observed).toBe(43)
    expect(flow.points).toHaveLength(2)
    expect(flow.truncated).toBe(false)
  })

  it('answers several features in the order asked', async () => {
    const results = (await query({ featureIds: [BTC_FLOW, DEPTH], since: iso(DAY0), until: iso(DAY0 + 9 * 24 * HOUR) })).json()
    expect(results.map((r: { featureId: string }) => r.featureId)).toEqual([BTC_FLOW, DEPTH])
    expect(results[0].points).toHaveLength(10)
    expect(results[0].coverage).toMatchObject({ expected: 9, observed: 9, ratio: 1 })
  })

  it('aggregates per interval, buckets aligned in the requested time zone', async () => {
    const body = { featureIds: [DEPTH], since: iso(DAY0), until: iso(DAY0 + 47 * HOUR), agg: 'count', interval: '1d' }
    const utc = (await query({ ...body, tz: 'UTC' })).json()[0]
    expect(utc.points).toEqual([
      { ts: iso(DAY0), value: 20, count: 20 },
      { ts: iso(DAY0 + 24 * HOUR), value: 24, count: 24 },
    ])
    // Mexico City is UTC−6: local days start at 06:00Z, so the window spans three local days.
    const mexico = (await query(body)).json()[0]
    expect(mexico.points.map((p: { ts: string; value: number }) => [p.ts, p.value])).toEqual([
      [iso(DAY0 - 18 * HOUR), 6],
      [iso(DAY0 + 6 * HOUR), 24 - 4],
      [iso(DAY0 + 30 * HOUR), 18],
    ])
  })

  it.each([
    ['avg', (1e9 + 1e9 + 9e6) / 2],
    ['sum', 2e9 + 9e6],
    ['min', 1e9],
    ['max', 1e9 + 9e6],
    ['first', 1e9],
    ['last', 1e9 + 9e6],
    ['count', 10],
  ])('agg %s over the whole window without interval', async (agg, expected) => {
    const [result] = (await query({ featureIds: [DEPTH], since: iso(DAY0), until: iso(DAY0 + 9 * HOUR), agg })).json()
    expect(result.points).toHaveLength(1)
    expect(result.points[0].ts).toBe(iso(DAY0))
    if (agg === 'avg' || agg === 'sum' || agg === 'count') {
      const values = Array.from({ length: 10 }, (_, h) => 1e9 + h * 1e6)
      const sum = values.reduce((a, b) => a + b, 0)
      expect(result.points[0].value).toBeCloseTo(agg === 'avg' ? sum / 10 : agg === 'sum' ? sum : 10, 3)
    } else {
      expect(result.points[0].value).toBe(expected)
    }
  })

  it('defaults to the last 30 days', async () => {
    const [result] = (await query({ featureIds: [WALCL] })).json()
    expect(Date.parse(result.until) - Date.parse(result.since)).toBe(30 * 24 * HOUR)
    expect(result.points).toEqual([])
    expect(result.coverage).toMatchObject({ ratio: 0, expected: 4, observed: 0 })
  })

  it('names unknown feature ids in a 404', async () => {
    const response = await query({ featureIds: [DEPTH, 'x/unknown_one', "'; drop table features_values; --"] })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ code: 'FEATURE_NOT_FOUND' })
    expect(response.json().message).toContain('x/unknown_one')
  })

  it.each([
    ['since after until', { featureIds: [DEPTH], since: iso(DAY0 + HOUR), until: iso(DAY0) }, 'since'],
    ['interval without agg', { featureIds: [DEPTH], interval: '1h' }, 'interval'],
    ['an unknown time zone', { featureIds: [DEPTH], agg: 'avg', interval: '1h', tz: 'Mars/Olympus' }, 'tz'],
    ['a timestamp without offset', { featureIds: [DEPTH], since: '2025-10-01T00:00:00' }, 'since'],
    ['an empty id list', { featureIds: [] }, 'featureIds'],
    ['51 ids', { featureIds: Array.from({ length: 51 }, (_, i) => `a/b${i}`) }, 'featureIds'],
    ['an unknown property', { featureIds: [DEPTH], colour: 'red' }, 'colour'],
    ['a limit over 100,000', { featureIds: [DEPTH], limit: 100_001 }, 'limit'],
  ])('%s → 400 naming it', async (_label, payload, field) => {
    const response = await query(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe('VALIDATION_FAILED')
    expect(response.json().message).toContain(field)
  })
})

describe('POST /query numbers and instants', () => {
  const FUNDING = 'cex/btc/perp_funding_rate_8h'
  // Doubles whose shortest text PostgreSQL and JavaScript spell differently (exponents), or that
  // need all 17 digits; instants with odd milliseconds across a day boundary.
  const values = [0.00005, -0.0000015, 0.1 * 0.3, 0.012345678901234567, -0.05, 0, 1e-7]
  const start = Date.UTC(2025, 10, 3, 23, 59, 59, 997)

  it('returns every value and instant exactly as published, as /latest does', async () => {
    const points = values.map((value, i) => point(FUNDING, iso(start + i * 1_001), value, { confidence: 0.3 + i / 10, meta: { i, note: 'a "quoted" note' } }))
    const published = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: bearer('oracle.publisher'), payload: points })
    expect(published.json(), published.body).toMatchObject({ accepted: values.length, rejected: 0 })

    const response = await query({ featureIds: [FUNDING], since: iso(start), until: iso(start + 60_000) })
    const [result] = response.json()
    expect(result.points.map((p: { value: number }) => p.value)).toEqual(values)
    expect(result.points.map((p: { ts: string }) => p.ts)).toEqual(values.map((_, i) => iso(start + i * 1_001)))
    expect(result.points.map((p: { confidence: number }) => p.confidence)).toEqual(values.map((_, i) => 0.3 + i / 10))
    expect(result.points.map((p: { meta: unknown }) => p.meta)).toEqual(values.map((_, i) => ({ i, note: 'a "quoted" note' })))
    // JavaScript's own spelling of each number: the text is the same whichever endpoint answers.
    expect(response.body).toContain('"value":0.00005,')
    expect(response.body).toContain('"value":-0.0000015,')
    expect(response.body).toContain('"value":1e-7,')

    const latestResponse = await store.app.inject({ method: 'GET', url: `${API}/latest?featureId=${encodeURIComponent(FUNDING)}`, headers: READ })
    const latest = latestResponse.json()
    const last = result.points.at(-1)
    expect({ value: latest.value, ts: latest.ts, ingested_at: latest.ingested_at, meta: latest.meta }).toEqual({ value: last.value, ts: last.ts, ingested_at: last.ingested_at, meta: last.meta })
    // Byte for byte: the point's text in /latest is the same as in /query, up to its read-time fields.
    const pointText = (body: string) => body.match(/"ts":"[^"]+","value":1e-7,[^}]+\},"ingested_at":"[^"]+"/)?.[0]
    expect(pointText(latestResponse.body)).toBeDefined()
    expect(pointText(latestResponse.body)?.replace(/,"stale":(true|false)/, '')).toBe(pointText(response.body)?.replace(/,"stale":(true|false)/, ''))
  })
})
