import { describe, expect, it } from 'vitest'
import { readFeed } from './availability'
import { lastAtOrBefore, toSeries } from './series'

const H = 3_600_000
const series = toSeries([
  { ts: 10 * H, value: 3 },
  { ts: 0, value: 1 },
  { ts: 5 * H, value: 2 },
])

describe('series', () => {
  it('sorts points by ts whatever order they come in', () => {
    expect([...series.ts]).toEqual([0, 5 * H, 10 * H])
    expect([...series.values]).toEqual([1, 2, 3])
  })

  it('finds the last point at or before t', () => {
    expect(lastAtOrBefore(series.ts, -1)).toBe(-1)
    expect(lastAtOrBefore(series.ts, 0)).toBe(0)
    expect(lastAtOrBefore(series.ts, 5 * H - 1)).toBe(0)
    expect(lastAtOrBefore(series.ts, 5 * H)).toBe(1)
    expect(lastAtOrBefore(series.ts, 99 * H)).toBe(2)
  })
})

describe('x_f(t) and availability (step 1)', () => {
  // ttl 2 h × FEATURE_DQ_FRESHNESS_MAX_RATIO 1.5 = 3 h
  const maxAge = 3 * H

  it('takes the point with the greatest ts ≤ t, never a later one', () => {
    expect(readFeed(series, 7 * H, maxAge)).toEqual({ index: 1, value: 2, ts: 5 * H, availability: 'available' })
    expect(readFeed(series, 10 * H, maxAge)).toMatchObject({ value: 3, ts: 10 * H })
  })

  it('is available up to exactly ttl × ratio old, stale one millisecond later', () => {
    expect(readFeed(series, 8 * H, maxAge).availability).toBe('available')
    expect(readFeed(series, 8 * H + 1, maxAge)).toEqual({ index: 1, value: 2, ts: 5 * H, availability: 'stale' })
  })

  it('is missing before the first point, with null value and ts', () => {
    expect(readFeed(series, -1, maxAge)).toEqual({ index: -1, value: null, ts: null, availability: 'missing' })
  })
})
