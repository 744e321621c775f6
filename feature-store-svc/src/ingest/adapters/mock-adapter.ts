import { FREQUENCY_MS, type FeatureSpec, type Frequency, type PublishPoint } from '@lav/shared/contracts'
import { DAY_MS, MINUTE_MS, toIso } from '@lav/shared/time'
import type { SourceAdapter } from '../source-adapter'

const WEEK_MS = 7 * DAY_MS
// The epoch fell on a Thursday; 1970-01-07 is the first Wednesday, the day the Fed's weekly
// H.4.1 level (WALCL) refers to, so weekly mock points land where real ones would.
const WEDNESDAY_ANCHOR_MS = 6 * DAY_MS
const DEFAULT_WINDOW_MS = 7 * DAY_MS

// Slow waves (weeks to months) give z-scores and regimes something to move on; their weights
// plus the noise weight sum to 1, so the shape stays within [-1, 1].
const WAVES = [
  { periodMs: 3 * WEEK_MS, weight: 0.5 },
  { periodMs: 7 * WEEK_MS, weight: 0.3 },
  { periodMs: 17 * WEEK_MS, weight: 0.15 },
] as const
const NOISE_WEIGHT = 0.05

// The nine liquidity feeds (catalog tag "liquidity") share one slow cycle on top of a weaker wave
// of their own, so the liquidity regime they feed turns verde, amarillo and rojo within any 90
// days of demo history, whatever day "now" is. TGA and RRP drain liquidity: they move against it.
const LIQUIDITY_TAG = 'liquidity'
const LIQUIDITY_DRAINS = new Set(['macro/us/tga_balance_usd', 'macro/us/rrp_total_usd'])
const LIQUIDITY_CYCLE = { periodMs: 45 * DAY_MS, weight: 0.75, maxLag: 0.03 } as const
const LIQUIDITY_OWN_WAVE = { periodMs: 3 * WEEK_MS, weight: 0.2 } as const

// Using 90% of the half-range keeps every value strictly inside expected_range.
const RANGE_USE = 0.9
const LEVEL_WITHOUT_RANGE = 100

export interface MockAdapterOptions {
  readonly now?: () => number
}

/** FNV-1a with a murmur3 finaliser: stable across processes, well spread for nearby inputs. */
function hash32(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** A number in [0, 1) determined by `text` alone. */
function uniformFrom(text: string): number {
  return hash32(text) / 2 ** 32
}

/** sin over a period at `ts` shifted by `phase` (in periods). */
function wave(ts: number, periodMs: number, phase: number): number {
  // Reduce ts modulo the period first: sin of ~6,000 radians would lose digits.
  const cycle = (((ts % periodMs) + periodMs) % periodMs) / periodMs
  return Math.sin(2 * Math.PI * (cycle + phase))
}

/** The series' shape at `ts`, in [-1, 1]; depends only on the feature (id, tags) and the instant. */
function shapeAt(spec: FeatureSpec, ts: number): number {
  const noise = NOISE_WEIGHT * (2 * uniformFrom(`${spec.id}@${ts}`) - 1)
  if (spec.tags.includes(LIQUIDITY_TAG)) {
    const sign = LIQUIDITY_DRAINS.has(spec.id) ? -1 : 1
    // A small lag per feed: the feeds agree on the cycle without moving in lockstep.
    const lag = LIQUIDITY_CYCLE.maxLag * uniformFrom(`${spec.id}#lag`)
    const own = LIQUIDITY_OWN_WAVE.weight * wave(ts, LIQUIDITY_OWN_WAVE.periodMs, uniformFrom(`${spec.id}#wave0`))
    return sign * LIQUIDITY_CYCLE.weight * wave(ts, LIQUIDITY_CYCLE.periodMs, -lag) + own + noise
  }
  let shape = 0
  WAVES.forEach(({ periodMs, weight }, index) => {
    shape += weight * wave(ts, periodMs, uniformFrom(`${spec.id}#wave${index}`))
  })
  return shape + noise
}

/** Net flows in USD whose range spans zero: centred on zero so that they take both signs. */
function isSignedFlow(spec: FeatureSpec, low: number, high: number): boolean {
  return spec.unit === 'USD' && low < 0 && high > 0
}

/**
 * The mock value of `spec` at `ts`: a pure function of (feature, ts), strictly inside
 * `quality.expected_range` (a positive level around 100 without one). Ranges spanning more
 * than a factor of ten move in log space, so a price range of 1e3–1e6 hovers near 3e4 rather
 * than half a million.
 */
export function mockValue(spec: FeatureSpec, ts: number): number {
  const shape = shapeAt(spec, ts)
  const range = spec.quality?.expected_range
  if (!range) return LEVEL_WITHOUT_RANGE * (1 + 0.5 * shape)
  const [low, high] = range
  if (isSignedFlow(spec, low, high)) return RANGE_USE * Math.min(-low, high) * shape
  if (low > 0 && high / low >= 10) {
    const [logLow, logHigh] = [Math.log(low), Math.log(high)]
    return Math.exp((logLow + logHigh) / 2 + RANGE_USE * ((logHigh - logLow) / 2) * shape)
  }
  return (low + high) / 2 + RANGE_USE * ((high - low) / 2) * shape
}

/** Slot length and origin of a frequency's UTC grid; ticks are mocked as one point a minute. */
function gridOf(frequency: Frequency): { stepMs: number; anchorMs: number } {
  if (frequency === '1w') return { stepMs: WEEK_MS, anchorMs: WEDNESDAY_ANCHOR_MS }
  return { stepMs: FREQUENCY_MS[frequency] ?? MINUTE_MS, anchorMs: 0 }
}

/** Instants of the frequency's UTC grid in [since, until], ascending. */
export function gridInstants(frequency: Frequency, since: number, until: number): number[] {
  const { stepMs, anchorMs } = gridOf(frequency)
  const instants: number[] = []
  const first = anchorMs + Math.ceil((since - anchorMs) / stepMs) * stepMs
  for (let ts = first; ts <= until; ts += stepMs) instants.push(ts)
  return instants
}

/**
 * A deterministic synthetic source: the same (feature, ts) always gives the same point, so
 * replays and overlapping backfills publish identical values (idempotent upserts). `until`
 * defaults to now and `since` to seven days before `until`.
 */
export function createMockAdapter(options: MockAdapterOptions = {}): SourceAdapter {
  const now = options.now ?? Date.now
  return {
    name: 'mock',
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      const end = until ?? now()
      const start = since ?? end - DEFAULT_WINDOW_MS
      const evidence = [{ source: 'mock', ref: `mock://${spec.id}` }]
      return gridInstants(spec.frequency, start, end).map((ts) => ({
        featureId: spec.id,
        ts: toIso(ts),
        value: mockValue(spec, ts),
        confidence: 1,
        evidence: evidence.map((entry) => ({ ...entry })),
      }))
    },
  }
}
