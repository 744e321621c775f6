import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { loadFeedsFile } from '../feeds/feeds-file'
import { dataWindow, evaluateInstants, warmupInstants } from './evaluate'
import { toSeries } from './series'
import type { EvaluationData, MethodParams } from './types'

const D = 86_400_000
const T = Date.UTC(2025, 9, 20)
const FEEDS = loadFeedsFile(fileURLToPath(new URL('../../feeds/liquidity.feeds.json', import.meta.url)))
const PARAMS: MethodParams = {
  componentWeights: { gl: 0.4, cn: 0.4, mp: 0.2 },
  alpha: 0.5,
  thetaHi: 0.8,
  thetaLo: -0.8,
  confirmationMs: D,
  zWindowMs: 4 * D,
  zMinPoints: 4,
  warmupInstants: 1,
  flowWindowMs: 7 * D,
  minComponents: 2,
  freshnessMaxRatio: 1.5,
}

// Daily points at T − 4 d … T. In a 4-day window: [0,0,0,2] → z = 1.5 (mean 0.5, s = 1),
// [0,0,2,0] → −0.5, [0,0,0,−2] → −1.5, [0,0,−2,0] → 0.5, flat → 0.
const UP = [0, 0, 0, 2, 0]
const DOWN = [0, 0, 0, -2, 0]
const FLAT = [1, 1, 1, 1, 1]
const SHAPES: Record<string, number[]> = {
  'macro/us/walcl_total_usd': UP,
  'macro/us/tga_balance_usd': DOWN,
  'macro/us/rrp_total_usd': DOWN,
  'crypto/etf/btc_net_flow_usd': UP,
  'crypto/etf/eth_net_flow_usd': FLAT,
  'crypto/stables/mcap_total_usd_yoy': UP,
}

function dataset(shapes: Record<string, number[]>, options: { lastDay?: number; ttlMs?: number } = {}): EvaluationData {
  const { lastDay = 0, ttlMs = 2 * D } = options
  const series = new Map(
    FEEDS.map((feed) => {
      const values = shapes[feed.featureId] ?? FLAT
      return [feed.featureId, toSeries(values.map((value, i) => ({ ts: T - (lastDay + values.length - 1 - i) * D, value })))]
    }),
  )
  return { series, ttlMs: new Map(FEEDS.map((feed) => [feed.featureId, ttlMs])) }
}

describe('one evaluation, every step by hand', () => {
  it('computes components, composite, EMA, score, rules, confirmation and confidence', () => {
    const [output] = evaluateInstants(FEEDS, PARAMS, dataset(SHAPES), [T])
    // At T − 1 d: GL = 1.5, CN = (1.5 + 0 + 1.5) / 3 = 1, MP = 0 → s = 0.6 + 0.4 = 1 = e; flow 2 + 4 > 0,
    // yoy 2 > 0 → verde. At T: GL = −0.5, CN = −1/3, MP = 0 → s = −1/3, e = 0.5·(−1/3) + 0.5·1 = 1/3 →
    // amarillo, a one-day candidate: the state stays verde.
    expect(output?.components.gl).toBeCloseTo(-0.5, 15)
    expect(output?.components.cn).toBeCloseTo(-1 / 3, 15)
    expect(output?.components.mp).toBe(0)
    expect(output?.score_raw).toBeCloseTo(1 / 3, 15)
    expect(output?.score).toBeCloseTo(50 + 50 / 9, 12)
    expect(output?.candidate).toBe('amarillo')
    expect(output?.state).toBe('verde')
    // Only MP (c = 0) is on the side of e > 0: coherence 1/3; all nine feeds fresh.
    expect(output?.coherence).toBeCloseTo(1 / 3, 15)
    expect(output?.confidence).toBeCloseTo(1 / 3, 15)
    expect(output?.dq).toEqual({ ok: true, stale: [], missing: [] })
    expect(output?.updated_at).toBe('2025-10-20T00:00:00.000Z')
    expect(output?.signals[0]).toEqual({ featureId: 'macro/us/walcl_total_usd', component: 'gl', weight: 1, value: 0, ts: '2025-10-20T00:00:00.000Z', z: -0.5, available: true })
  })

  it('flips once the new candidate has held for two consecutive days', () => {
    // One more day of the same: the amarillo candidate at T − 1 d and T confirms.
    const twoDays = Object.fromEntries(Object.entries(SHAPES).map(([id, values]) => [id, [...values, values[values.length - 1] as number]]))
    const [output] = evaluateInstants(FEEDS, { ...PARAMS, warmupInstants: 2 }, dataset(twoDays), [T])
    expect(output?.candidate).toBe('amarillo')
    expect(output?.state).toBe('amarillo')
  })
})

describe('data quality', () => {
  it('falls back to amarillo, score 50, no score_raw and zero confidence when e is unavailable', () => {
    // Only the MP feeds have points: one component is below LIQ_MIN_COMPONENTS = 2.
    const data = dataset({})
    for (const feed of FEEDS) if (feed.component !== 'mp') (data.series as Map<string, unknown>).set(feed.featureId, toSeries([]))
    const [output] = evaluateInstants(FEEDS, PARAMS, data, [T])
    expect(output).toMatchObject({ state: 'amarillo', candidate: 'amarillo', score: 50, score_raw: null, confidence: 0, coherence: 0 })
    expect(output?.components).toEqual({ gl: null, cn: null, mp: 0 })
    expect(output?.dq).toEqual({ ok: false, stale: [], missing: FEEDS.filter((feed) => feed.component !== 'mp').map((feed) => feed.featureId) })
    expect(output?.signals[0]).toMatchObject({ value: null, ts: null, z: null, available: false })
  })

  it('keeps the last e over an instant without s, but says the data is not ok', () => {
    // Every feed ends a day before T and is stale at T (maxAge 18 h): s(T) is unavailable.
    const data = dataset(SHAPES, { lastDay: 1, ttlMs: 12 * 3_600_000 })
    const [output] = evaluateInstants(FEEDS, { ...PARAMS, zMinPoints: 3 }, data, [T])
    // The walk is T − 1 d, T: e starts at s(T − 1 d), which an evaluation without warm-up gives alone.
    const [sBefore] = evaluateInstants(FEEDS, { ...PARAMS, zMinPoints: 3, warmupInstants: 0 }, data, [T - D])
    expect(output?.score_raw).not.toBeNull()
    expect(output?.score_raw).toBe(sBefore?.score_raw)
    expect(output?.components).toEqual({ gl: null, cn: null, mp: null })
    expect(output?.dq).toEqual({ ok: false, stale: FEEDS.map((feed) => feed.featureId), missing: [] })
    expect(output?.coherence).toBe(0)
    expect(output?.confidence).toBe(0)
    expect(output?.signals.every((signal) => signal.value !== null && !signal.available && signal.z === null)).toBe(true)
  })
})

describe('instants and the data window', () => {
  it('walks t0 − 30·24h … t0 and reads warm-up + z window + one flow window more', () => {
    const instants = warmupInstants(T, { warmupInstants: 30 })
    expect(instants).toHaveLength(31)
    expect(instants[0]).toBe(T - 30 * D)
    expect(instants[30]).toBe(T)
    expect(dataWindow(T - 10 * D, T, { warmupInstants: 30, zWindowMs: 60 * D, flowWindowMs: 7 * D })).toEqual({ since: T - 107 * D, until: T })
  })
})
