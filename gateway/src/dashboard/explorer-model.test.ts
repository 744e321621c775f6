import { describe, expect, it } from 'vitest'
import { filterFeatures, gridRows, healthOf, tagCounts, visibleRange, type DqFeature, type FeatureSpec } from './public/explorer-catalog.js'
import { chartColumns, coverageText, dqLines, dqPath, formatNumber, queryBody, queryWindow, seriesCaption, type QueryResult } from './public/explorer-series.js'
import { defaultState } from './public/explorer-state.js'

const HOUR = 3_600_000
const spec = (id: string, overrides: Partial<FeatureSpec> = {}): FeatureSpec => ({
  id,
  entity: 'market',
  description: `about ${id}`,
  unit: 'USD',
  frequency: '1h',
  ttl_ms: 2 * HOUR,
  tags: [],
  source: { id: 'test', class: 'derived', schema: 'v1' },
  version: 1,
  active: true,
  ...overrides,
})
const dq = (featureId: string, freshness: Partial<DqFeature['freshness']> = {}): DqFeature => ({
  featureId,
  ok: true,
  freshness: { last_ts: '2026-12-01T00:00:00Z', last_confidence: 1, age_ms: HOUR, ttl_ms: 2 * HOUR, stale: false, violation: false, ...freshness },
  coverage: { ratio: 1, expected: 24, observed: 24, gaps: [], min: 0.8, violation: false },
  range: { expected_range: null, violations: 0 },
})

describe('filterFeatures', () => {
  const features = [
    spec('m/z', { entity: 'macro', frequency: '1d', tags: ['gl', 'fed'], description: 'Fed balance sheet' }),
    spec('m/a', { entity: 'macro', frequency: '1w', tags: ['gl'] }),
    spec('c/btc', { entity: 'asset', tags: ['btc', 'price'] }),
  ]
  it('applies entity, frequency, every tag and free text together, sorted by id', () => {
    const state = defaultState()
    expect(filterFeatures(features, state).map((f) => f.id)).toEqual(['c/btc', 'm/a', 'm/z'])
    expect(filterFeatures(features, { ...state, entity: 'macro' }).map((f) => f.id)).toEqual(['m/a', 'm/z'])
    expect(filterFeatures(features, { ...state, tags: ['gl', 'fed'] }).map((f) => f.id)).toEqual(['m/z'])
    expect(filterFeatures(features, { ...state, frequency: '1w' }).map((f) => f.id)).toEqual(['m/a'])
    expect(filterFeatures(features, { ...state, q: 'BALANCE' }).map((f) => f.id)).toEqual(['m/z'])
    expect(filterFeatures(features, { ...state, q: 'btc' }).map((f) => f.id)).toEqual(['c/btc'])
    expect(filterFeatures(features, { ...state, entity: 'pair' })).toEqual([])
  })

  it('counts tags, most used first', () => {
    expect(tagCounts(features)).toEqual([
      { tag: 'gl', count: 2 },
      { tag: 'btc', count: 1 },
      { tag: 'fed', count: 1 },
      { tag: 'price', count: 1 },
    ])
  })
})

describe('healthOf', () => {
  const feature = spec('a/b')
  it('says in a word and a symbol: fresh, low confidence, stale, late, no data, inactive', () => {
    expect(healthOf(feature, dq('a/b'))).toMatchObject({ level: 'fresh', symbol: '●', label: 'fresh', detail: 'latest point 1 h old, ttl 2 h, confidence 100 %' })
    expect(healthOf(feature, dq('a/b', { last_confidence: 0.3 }))).toMatchObject({ level: 'low-confidence', label: 'low confidence' })
    expect(healthOf(feature, dq('a/b', { stale: true, age_ms: 2.5 * HOUR, last_confidence: 0.3 }))).toMatchObject({ level: 'stale', symbol: '▲' })
    expect(healthOf(feature, dq('a/b', { stale: true, violation: true }))).toMatchObject({ level: 'late', symbol: '✕' })
    expect(healthOf(feature, dq('a/b', { last_ts: null, age_ms: null, last_confidence: null }))).toMatchObject({ level: 'no-data', label: 'no data' })
    expect(healthOf(spec('a/b', { active: false }), undefined)).toMatchObject({ level: 'inactive', label: 'inactive' })
    expect(healthOf(feature, undefined)).toMatchObject({ level: 'unknown' })
  })

  it('puts it on the grid row beside the spec', () => {
    expect(gridRows([spec('a/b', { tags: ['x', 'y'], version: 3 })], new Map([['a/b', dq('a/b')]]))).toEqual([
      { id: 'a/b', entity: 'market', frequency: '1h', unit: 'USD', tags: 'x, y', version: '3', active: 'yes', health: expect.objectContaining({ level: 'fresh' }) },
    ])
  })
})

describe('visibleRange', () => {
  it('covers the viewport plus the overscan, clamped to the rows', () => {
    expect(visibleRange(0, 320, 32, 2000, 5)).toEqual({ first: 0, last: 15 })
    expect(visibleRange(32 * 100, 320, 32, 2000, 5)).toEqual({ first: 95, last: 115 })
    expect(visibleRange(32 * 1995, 320, 32, 2000, 5)).toEqual({ first: 1990, last: 2000 })
    expect(visibleRange(0, 320, 32, 0, 5)).toEqual({ first: 0, last: 0 })
  })
})

describe('the series request', () => {
  const now = Date.parse('2026-12-03T10:00:00Z')
  it('gives a preset window its start and lets the server end it; a custom one both ends', () => {
    expect(queryWindow({ ...defaultState(), window: '7d' }, now)).toEqual({ since: '2026-11-26T10:00:00.000Z', until: null })
    const custom = { ...defaultState(), window: 'custom' as const, since: '2026-01-01T00:00:00.000Z', until: '2026-02-01T00:00:00.000Z' }
    expect(queryWindow(custom, now)).toEqual({ since: custom.since, until: custom.until })
  })

  it('asks for raw points up to the API maximum, or an aggregate per interval', () => {
    const window = { since: '2026-11-26T10:00:00.000Z', until: null }
    expect(queryBody('a/b', defaultState(), window)).toEqual({ featureIds: ['a/b'], since: window.since, limit: 100_000 })
    expect(queryBody('a/b', { ...defaultState(), agg: 'avg', interval: '1d' }, { since: 's', until: 'u' })).toEqual({ featureIds: ['a/b'], since: 's', until: 'u', agg: 'avg', interval: '1d' })
    expect(queryBody('a/b', { ...defaultState(), agg: 'max' }, window)).toEqual({ featureIds: ['a/b'], since: window.since, agg: 'max' })
    expect(dqPath('a/b', window)).toBe('/api/features/v1/dq?featureId=a%2Fb&since=2026-11-26T10%3A00%3A00.000Z')
  })
})

describe('the chart and its words', () => {
  const result: QueryResult = {
    featureId: 'a/b',
    since: '2026-12-01T00:00:00.000Z',
    until: '2026-12-01T06:00:00.000Z',
    agg: null,
    interval: null,
    points: [0, 1, 4, 5].map((h) => ({ ts: new Date(Date.parse('2026-12-01T00:00:00Z') + h * HOUR).toISOString(), value: h * 10 })),
    coverage: { ratio: 4 / 6, expected: 6, observed: 4, gaps: [{ from: '2026-12-01T02:00:00.000Z', to: '2026-12-01T04:00:00.000Z' }] },
    truncated: false,
  }
  it('breaks the line in the middle of every gap and keeps the whole window as the x range', () => {
    const start = Date.parse('2026-12-01T00:00:00Z') / 1000
    const columns = chartColumns(result)
    expect(columns.xs).toEqual([0, 1, 3, 4, 5].map((h) => start + h * 3600))
    expect(columns.ys).toEqual([0, 10, null, 40, 50])
    expect(columns.gaps).toEqual([{ from: start + 2 * 3600, to: start + 4 * 3600 }])
    expect(columns.window).toEqual({ from: start, to: start + 6 * 3600 })
  })

  it('says coverage, count and truncation in words', () => {
    expect(coverageText(result.coverage)).toBe('Coverage 66.7 % · 4 of 6 slots · 1 gap')
    expect(coverageText({ ratio: null, expected: null, observed: 12, gaps: [] })).toBe('Coverage not defined for tick features · 12 points')
    expect(seriesCaption(result)).toBe('4 points')
    expect(seriesCaption({ ...result, agg: 'avg', interval: '1d', points: result.points.slice(0, 1) })).toBe('1 avg value per 1d')
    expect(seriesCaption({ ...result, truncated: true })).toContain('truncated at 100,000')
  })

  it('writes large values in words and flags what DQ found wrong', () => {
    expect(formatNumber(6.5e12)).toBe('6.500 T')
    expect(formatNumber(1234.5)).toBe('1,234.5')
    const lines = dqLines({ ...dq('a/b', { stale: true, violation: true, age_ms: 5 * HOUR }), ok: false, range: { expected_range: [0, 1e9], violations: 2 } })
    expect(lines).toEqual([
      { name: 'Verdict', text: '✕ needs attention', bad: true },
      { name: 'Freshness', text: '5 h old, ttl 2 h · late', bad: true },
      { name: 'Coverage', text: '100.0 % (minimum 80.0 %)', bad: false },
      { name: 'Range', text: '2 outside [0, 1.000 B]', bad: true },
    ])
  })
})
