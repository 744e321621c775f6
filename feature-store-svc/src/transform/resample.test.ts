import { describe, expect, it } from 'vitest'
import { aggregateValues, resample, type TimedValue } from './resample'

const at = (iso: string): number => Date.parse(iso)
const point = (iso: string, value: number): TimedValue => ({ ts: at(iso), value })

// Two hours of data in UTC: three points in 10:00, two in 11:00, nothing at 12:00, one at 13:00.
const hourly: TimedValue[] = [
  point('2025-01-15T10:05:00Z', 4),
  point('2025-01-15T10:20:00Z', 10),
  point('2025-01-15T10:50:00Z', 1),
  point('2025-01-15T11:00:00Z', 7),
  point('2025-01-15T11:59:59Z', 3),
  point('2025-01-15T13:30:00Z', -2),
]

describe('resample to 1h in UTC', () => {
  const run = (aggregate: Parameters<typeof resample>[1]['aggregate']) =>
    resample(hourly, { interval: '1h', aggregate }).map((bucket) => [new Date(bucket.ts).toISOString(), bucket.value])

  it('emits one bucket per non-empty hour, skipping the empty 12:00', () => {
    expect(resample(hourly, { interval: '1h', aggregate: 'count' })).toEqual([
      { ts: at('2025-01-15T10:00:00Z'), value: 3, count: 3 },
      { ts: at('2025-01-15T11:00:00Z'), value: 2, count: 2 },
      { ts: at('2025-01-15T13:00:00Z'), value: 1, count: 1 },
    ])
  })

  it('computes every aggregate', () => {
    expect(run('first').map(([, v]) => v)).toEqual([4, 7, -2])
    expect(run('last').map(([, v]) => v)).toEqual([1, 3, -2])
    expect(run('sum').map(([, v]) => v)).toEqual([15, 10, -2])
    expect(run('avg').map(([, v]) => v)).toEqual([5, 5, -2])
    expect(run('min').map(([, v]) => v)).toEqual([1, 3, -2])
    expect(run('max').map(([, v]) => v)).toEqual([10, 7, -2])
  })
})

describe('resample to days in a time zone', () => {
  it('groups by local day in America/New_York across the 2025-03-09 change', () => {
    const points = [
      point('2025-03-09T04:59:00Z', 1), // 23:59 EST on 03-08
      point('2025-03-09T05:00:00Z', 2), // 00:00 EST on 03-09
      point('2025-03-10T03:59:00Z', 3), // 23:59 EDT on 03-09
      point('2025-03-10T04:00:00Z', 4), // 00:00 EDT on 03-10
    ]
    expect(resample(points, { interval: '1d', aggregate: 'sum', timeZone: 'America/New_York' })).toEqual([
      { ts: at('2025-03-08T05:00:00Z'), value: 1, count: 1 },
      { ts: at('2025-03-09T05:00:00Z'), value: 5, count: 2 },
      { ts: at('2025-03-10T04:00:00Z'), value: 4, count: 1 },
    ])
  })

  it('groups Asia/Kolkata hours on the half hour', () => {
    const points = [point('2025-01-15T10:29:00Z', 1), point('2025-01-15T10:30:00Z', 2), point('2025-01-15T11:29:00Z', 3)]
    expect(resample(points, { interval: '1h', aggregate: 'avg', timeZone: 'Asia/Kolkata' })).toEqual([
      { ts: at('2025-01-15T09:30:00Z'), value: 1, count: 1 },
      { ts: at('2025-01-15T10:30:00Z'), value: 2.5, count: 2 },
    ])
  })

  it('groups a week from Monday', () => {
    const points = [point('2025-01-12T12:00:00Z', 1), point('2025-01-13T00:00:00Z', 2), point('2025-01-19T23:00:00Z', 6)]
    expect(resample(points, { interval: '1w', aggregate: 'max' })).toEqual([
      { ts: at('2025-01-06T00:00:00Z'), value: 1, count: 1 },
      { ts: at('2025-01-13T00:00:00Z'), value: 6, count: 2 },
    ])
  })
})

describe('resample edge cases', () => {
  it('returns nothing for no points', () => {
    expect(resample([], { interval: '1d', aggregate: 'avg' })).toEqual([])
  })

  it('keeps equal timestamps in one bucket', () => {
    const points = [point('2025-01-15T10:00:00Z', 1), point('2025-01-15T10:00:00Z', 2)]
    expect(resample(points, { interval: '5m', aggregate: 'last' })).toEqual([{ ts: at('2025-01-15T10:00:00Z'), value: 2, count: 2 }])
  })

  it('rejects unsorted input', () => {
    const points = [point('2025-01-15T11:00:00Z', 1), point('2025-01-15T10:00:00Z', 2)]
    expect(() => resample(points, { interval: '1h', aggregate: 'sum' })).toThrow('points must be sorted by ts')
  })

  it('aggregates a large bucket without overflowing the stack', () => {
    const values = Array.from({ length: 300_000 }, (_, index) => index % 1000)
    expect(aggregateValues(values, 'max')).toBe(999)
    expect(aggregateValues(values, 'min')).toBe(0)
  })

  it('refuses an empty bucket', () => {
    expect(() => aggregateValues([], 'sum')).toThrow(RangeError)
  })
})
