import type { TimedValue } from './resample'

export interface ZScoreOptions {
  /** Fewer values than this give null; at least 2, since a sample σ needs two. Default 2. */
  readonly minPoints?: number
  /** When set, z is clamped to [-clamp, clamp] (the liquidity method uses 3). */
  readonly clamp?: number
}

export interface RollingZScoreOptions extends ZScoreOptions {
  /** A point's window holds the points with ts in (ts − windowMs, ts], itself included. */
  readonly windowMs: number
}

export interface TimedZScore {
  readonly ts: number
  readonly z: number | null
}

function checkOptions({ minPoints = 2, clamp }: ZScoreOptions): number {
  if (!Number.isInteger(minPoints) || minPoints < 2) {
    throw new RangeError(`z-score: minPoints must be an integer ≥ 2 (sample σ divides by n − 1), got ${minPoints}`)
  }
  if (clamp !== undefined && !(clamp > 0)) throw new RangeError(`z-score: clamp must be positive, got ${clamp}`)
  return minPoints
}

/**
 * z of `value` against `sample`: (value − mean) / σ with the sample standard deviation (n − 1).
 * null when the sample is smaller than `minPoints`; 0 when σ = 0 (a flat window says "normal",
 * not "infinitely unusual"). Two passes over the sample, because the one-pass Σx² − (Σx)²/n
 * form cancels catastrophically for levels like 7e12 USD and can turn σ = 0 into noise.
 */
export function zScore(sample: readonly number[], value: number, options: ZScoreOptions = {}): number | null {
  const minPoints = checkOptions(options)
  const count = sample.length
  if (count < minPoints) return null
  let total = 0
  for (const x of sample) total += x
  const mean = total / count
  let squares = 0
  for (const x of sample) squares += (x - mean) ** 2
  const sigma = Math.sqrt(squares / (count - 1))
  if (sigma === 0) return 0
  const z = (value - mean) / sigma
  return options.clamp === undefined ? z : Math.min(options.clamp, Math.max(-options.clamp, z))
}

/**
 * Rolling z-score of each point of a series sorted by ts ascending against the window of
 * points in (ts − windowMs, ts]. Output has one entry per input point, in the same order.
 */
export function rollingZScore(points: readonly TimedValue[], options: RollingZScoreOptions): TimedZScore[] {
  checkOptions(options)
  if (!(options.windowMs > 0)) throw new RangeError(`rollingZScore: windowMs must be positive, got ${options.windowMs}`)
  const output: TimedZScore[] = []
  let windowStart = 0
  for (let index = 0; index < points.length; index++) {
    const current = points[index] as TimedValue
    if (index > 0 && current.ts < (points[index - 1] as TimedValue).ts) {
      throw new RangeError('rollingZScore: points must be sorted by ts')
    }
    while ((points[windowStart] as TimedValue).ts <= current.ts - options.windowMs) windowStart++
    // Later points with the same ts belong to this window too: (ts − windowMs, ts] is closed at ts.
    let windowEnd = index + 1
    while (windowEnd < points.length && (points[windowEnd] as TimedValue).ts === current.ts) windowEnd++
    const sample = points.slice(windowStart, windowEnd).map((point) => point.value)
    output.push({ ts: current.ts, z: zScore(sample, current.value, options) })
  }
  return output
}
