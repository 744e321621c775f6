import { describe, expect, it } from 'vitest'
import { componentBar, failureText, formatAge, freshnessRows, hintRows, historyPath, regimeView, scoreSparkline, tokenFromHash, type DqFeature, type Regime } from './public/view-model.js'

const NOW = Date.parse('2026-11-26T12:00:00Z')

const regime = (overrides: Partial<Regime> = {}): Regime => ({
  state: 'verde',
  candidate: 'verde',
  confidence: 0.834,
  score: 71.6,
  score_raw: 1.3,
  components: { gl: 1.25, cn: -0.5, mp: null },
  coherence: 0.5,
  updated_at: '2026-11-26T11:53:00Z',
  dq: { ok: true, stale: [], missing: [] },
  ...overrides,
})

const dqFeature = (featureId: string, overrides: { last_ts?: string | null; age_ms?: number | null; stale?: boolean; violation?: boolean; ok?: boolean; ratio?: number | null; coverageViolation?: boolean; rangeViolations?: number } = {}): DqFeature => ({
  featureId,
  ok: overrides.ok ?? true,
  freshness: { last_ts: overrides.last_ts === undefined ? '2026-11-26T11:00:00Z' : overrides.last_ts, age_ms: overrides.age_ms === undefined ? 3_600_000 : overrides.age_ms, ttl_ms: 4 * 86_400_000, stale: overrides.stale ?? false, violation: overrides.violation ?? false },
  coverage: { ratio: overrides.ratio === undefined ? 0.95 : overrides.ratio, min: 0.8, violation: overrides.coverageViolation ?? false },
  range: { violations: overrides.rangeViolations ?? 0 },
})

describe('formatAge', () => {
  it.each([
    [-5, 'just now'],
    [Number.NaN, 'just now'],
    [4_999, 'just now'],
    [42_000, '42 s'],
    [7 * 60_000 + 59_000, '7 min'],
    [3 * 3_600_000, '3 h'],
    [3 * 3_600_000 + 5 * 60_000, '3 h 5 min'],
    [2 * 86_400_000, '2 d'],
    [2 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000, '2 d 4 h'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatAge(ms)).toBe(text)
  })
})

describe('regimeView', () => {
  it('rounds the figures, says what the state means and how long ago it was evaluated', () => {
    const view = regimeView(regime(), NOW)
    expect(view).toMatchObject({ state: 'verde', meaning: 'liquidity expanding', score: 72, confidence: '83 %', coherence: '50 %', pending: null, evaluatedAgo: '7 min ago', dataIssues: [] })
    expect(regimeView(regime({ updated_at: '2026-11-26T11:59:58Z' }), NOW).evaluatedAgo).toBe('just now')
    expect(view.components.map((bar) => [bar.label.slice(0, 2), bar.value])).toEqual([
      ['GL', '+1.25'],
      ['CN', '-0.50'],
      ['MP', 'n/a'],
    ])
  })

  it('shows a candidate that is not yet confirmed, and names missing and stale feeds', () => {
    const view = regimeView(regime({ state: 'amarillo', candidate: 'rojo', dq: { ok: false, stale: ['macro/us/tga_balance_usd'], missing: ['crypto/etf/eth_net_flow_usd'] } }), NOW)
    expect(view.pending).toBe('rojo')
    expect(view.meaning).toBe('mixed signals')
    expect(view.dataIssues).toEqual(['crypto/etf/eth_net_flow_usd: no data', 'macro/us/tga_balance_usd: stale'])
  })
})

describe('componentBar', () => {
  it('draws from the centre of the −3…3 track, right for positive, left for negative, clamped at the ends', () => {
    expect(componentBar('x', 1.5)).toMatchObject({ left: 50, width: 25, sign: 'up' })
    expect(componentBar('x', -3)).toMatchObject({ left: 0, width: 50, sign: 'down' })
    expect(componentBar('x', 7)).toMatchObject({ left: 50, width: 50, sign: 'up', value: '+7.00' })
    expect(componentBar('x', null)).toMatchObject({ width: 0, value: 'n/a', sign: 'none' })
  })
})

describe('freshnessRows', () => {
  it('lists the worst first: no data, late, stale, other problems, then healthy, alphabetical within each', () => {
    const rows = freshnessRows([
      dqFeature('b/ok'),
      dqFeature('a/ok'),
      dqFeature('c/stale', { stale: true, ok: false }),
      dqFeature('d/late', { stale: true, violation: true, ok: false }),
      dqFeature('e/empty', { last_ts: null, age_ms: null, ratio: 0, coverageViolation: true, ok: false }),
      dqFeature('f/range', { ok: false, rangeViolations: 3 }),
    ])
    expect(rows.map((row) => [row.featureId, row.status])).toEqual([
      ['e/empty', 'no data'],
      ['d/late', 'late'],
      ['c/stale', 'stale'],
      ['f/range', 'check'],
      ['a/ok', 'ok'],
      ['b/ok', 'ok'],
    ])
    expect(rows[0]).toMatchObject({ age: '—', coverage: '0 %', coverageLow: true })
    expect(rows[3]).toMatchObject({ rangeViolations: 3 })
    expect(rows[4]).toMatchObject({ age: '1 h', ttl: '4 d', coverage: '95 %', coverageLow: false })
  })
})

describe('hintRows', () => {
  it('names each book with its stance and rationale', () => {
    const hint = (stance: 'increase' | 'neutral' | 'reduce') => ({ stance, rationale: `because ${stance}` })
    expect(hintRows({ market_neutral: hint('neutral'), directional: hint('increase'), yield: hint('reduce'), state: 'verde' })).toEqual([
      { book: 'Market neutral', stance: 'neutral', rationale: 'because neutral' },
      { book: 'Directional', stance: 'increase', rationale: 'because increase' },
      { book: 'Yield', stance: 'reduce', rationale: 'because reduce' },
    ])
  })
})

describe('scoreSparkline', () => {
  it('maps scores 0…100 to the bottom…top of the box, oldest left, and marks state changes', () => {
    const history = [
      { score: 50, state: 'amarillo' as const, updated_at: 'd1' },
      { score: 100, state: 'verde' as const, updated_at: 'd2' },
      { score: 0, state: 'verde' as const, updated_at: 'd3' },
    ]
    expect(scoreSparkline(history, 600, 120)).toEqual({ points: '0,60 300,0 600,120', changes: [{ x: 300, state: 'verde', at: 'd2' }] })
    expect(scoreSparkline([], 600, 120)).toEqual({ points: '', changes: [] })
    expect(scoreSparkline([{ score: 25, state: 'rojo', updated_at: 'd1' }], 600, 120).points).toBe('0,90')
  })
})

describe('historyPath', () => {
  it('asks for the days up to the shown evaluation, by the server’s clock', () => {
    const path = historyPath('2026-11-26T11:53:00Z', 90)
    const query = new URL(path, 'http://gateway').searchParams
    expect(path.startsWith('/api/liquidity/v1/regime/history?')).toBe(true)
    expect(query.get('until')).toBe('2026-11-26T11:53:00.000Z')
    expect(query.get('since')).toBe('2026-08-28T11:53:00.000Z')
  })
})

describe('tokenFromHash', () => {
  it('takes a JWT-shaped token from #token=…, and nothing else', () => {
    expect(tokenFromHash('#token=aaa.bbb.ccc')).toBe('aaa.bbb.ccc')
    expect(tokenFromHash('#x=1&token=a-b_c.d.e')).toBe('a-b_c.d.e')
    expect(tokenFromHash('')).toBeNull()
    expect(tokenFromHash('#token=<script>')).toBeNull()
    expect(tokenFromHash('#token=onlyonepart')).toBeNull()
  })
})

describe('failureText', () => {
  it('tells the reader what to do for 401, 403 and 429, and passes the API message on otherwise', () => {
    expect(failureText(401, null)).toContain('paste a token')
    expect(failureText(403, null)).toContain('oracle.reader')
    expect(failureText(429, null)).toContain('Rate limited')
    expect(failureText(429, null, 42)).toContain('try again in 42 s')
    expect(failureText(503, { message: 'liquidity could not be reached' })).toBe('The API answered 503: liquidity could not be reached')
    expect(failureText(500, null)).toBe('The API answered 500')
  })
})
