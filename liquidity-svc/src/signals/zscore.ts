import type { FeedReading } from './availability'
import { lastAtOrBefore } from './series'
import type { FeedSeries } from './types'

export const Z_LIMIT = 3

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}

/**
 * z_f(t) (method step 2): x_f(t) against the points with t − window < ts ≤ t, using the sample
 * standard deviation, clamped to ±3; null when the feed is unavailable or the window holds
 * fewer than `minPoints` points.
 */
export function zScoreAt(series: FeedSeries, reading: FeedReading, t: number, windowMs: number, minPoints: number): number | null {
  if (reading.availability !== 'available' || reading.value === null) return null
  const last = lastAtOrBefore(series.ts, t)
  const first = lastAtOrBefore(series.ts, t - windowMs) + 1
  return standardScore(series.values, first, last, reading.value, minPoints)
}

/** clamp((x − mean) / sd, −3, 3) over values[first..last]; 0 when every value is the same. */
export function standardScore(values: ArrayLike<number>, first: number, last: number, x: number, minPoints: number): number | null {
  const n = last - first + 1
  if (n < minPoints) return null
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (let i = first; i <= last; i++) {
    const value = values[i] as number
    sum += value
    if (value < min) min = value
    if (value > max) max = value
  }
  // σ = 0 exactly when all values are equal; testing that directly avoids a rounding residue
  // (0.1 summed ten times is not 1) turning a flat window into a z of ±3.
  if (min === max) return 0
  const mean = sum / n
  let squares = 0
  for (let i = first; i <= last; i++) squares += ((values[i] as number) - mean) ** 2
  const sd = Math.sqrt(squares / (n - 1))
  return clamp((x - mean) / sd, -Z_LIMIT, Z_LIMIT)
}
