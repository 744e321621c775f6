import { lastAtOrBefore } from './series'
import type { FeedSeries } from './types'

/**
 * flow(t): the sum of every point of the ETF-flow feeds with t − window < ts ≤ t, stale or not;
 * null when none of them has such a point.
 */
export function flowSum(flows: readonly FeedSeries[], t: number, windowMs: number): number | null {
  let sum = 0
  let count = 0
  for (const series of flows) {
    const last = lastAtOrBefore(series.ts, t)
    for (let i = lastAtOrBefore(series.ts, t - windowMs) + 1; i <= last; i++) {
      sum += series.values[i] as number
      count++
    }
  }
  return count > 0 ? sum : null
}

/** up_f(t): x_f(t) > x_f(t − lag), both as-of values with staleness ignored; null when either has no point. */
export function risingOver(series: FeedSeries, t: number, lagMs: number): boolean | null {
  const now = lastAtOrBefore(series.ts, t)
  const before = lastAtOrBefore(series.ts, t - lagMs)
  if (now < 0 || before < 0) return null
  return (series.values[now] as number) > (series.values[before] as number)
}
