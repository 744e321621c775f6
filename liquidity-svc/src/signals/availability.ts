import { lastAtOrBefore } from './series'
import type { FeedSeries } from './types'

export type Availability = 'available' | 'stale' | 'missing'

/** x_f(t): the as-of point of a feed at t and whether it may be used (method step 1). */
export interface FeedReading {
  /** Index of the as-of point in the series, −1 when there is none. */
  index: number
  value: number | null
  ts: number | null
  availability: Availability
}

/** Available when the last point with ts ≤ t is at most `maxAgeMs` old (ttl_ms × FEATURE_DQ_FRESHNESS_MAX_RATIO). */
export function readFeed(series: FeedSeries, t: number, maxAgeMs: number): FeedReading {
  const index = lastAtOrBefore(series.ts, t)
  if (index < 0) return { index, value: null, ts: null, availability: 'missing' }
  const ts = series.ts[index] as number
  const availability = t - ts <= maxAgeMs ? 'available' : 'stale'
  return { index, value: series.values[index] as number, ts, availability }
}
