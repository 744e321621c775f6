import type { FeedSeries } from './types'

export interface TimedValue {
  ts: number
  value: number
}

/**
 * Points in any order → one series sorted by (ts, value). The store keeps one point per
 * (feature, ts); the value tie-break only makes the order total, so the result never depends
 * on the order points arrive in.
 */
export function toSeries(points: readonly TimedValue[]): FeedSeries {
  const ts = new Float64Array(points.length)
  const values = new Float64Array(points.length)
  points.forEach((point, i) => {
    ts[i] = point.ts
    values[i] = point.value
  })
  return fromColumns(ts, values)
}

/** Columns of one feed → a series; POST /query answers in ts order, checked in one pass, so no sort. */
export function fromColumns(ts: Float64Array, values: Float64Array): FeedSeries {
  const before = (a: number, b: number) => (ts[a] as number) - (ts[b] as number) || (values[a] as number) - (values[b] as number)
  let ordered = true
  for (let i = 1; i < ts.length && ordered; i++) ordered = before(i - 1, i) <= 0
  if (ordered) return { ts, values }
  const order = Array.from(ts, (_, i) => i).sort(before)
  return { ts: Float64Array.from(order, (i) => ts[i] as number), values: Float64Array.from(order, (i) => values[i] as number) }
}

export const EMPTY_SERIES: FeedSeries = { ts: new Float64Array(0), values: new Float64Array(0) }

/** Index of the last point with ts ≤ t, or −1 when there is none (binary search). */
export function lastAtOrBefore(ts: Float64Array, t: number): number {
  let low = 0
  let high = ts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((ts[middle] as number) <= t) low = middle + 1
    else high = middle
  }
  return low - 1
}
