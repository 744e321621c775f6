import type { Aggregate, Interval } from '@lav/shared/contracts'
import { bucketStart } from './time-buckets'

export interface TimedValue {
  readonly ts: number
  readonly value: number
}

/** One bucket of the output: its start instant, the aggregate, and how many points fed it. */
export interface ResampledValue {
  readonly ts: number
  readonly value: number
  readonly count: number
}

export interface ResampleOptions {
  readonly interval: Interval
  readonly aggregate: Aggregate
  /** IANA zone the buckets are aligned in; days and weeks start at its local midnight. */
  readonly timeZone?: string
}

/** Aggregate of the values of one non-empty bucket, in time order. */
export function aggregateValues(values: readonly number[], aggregate: Aggregate): number {
  if (values.length === 0) throw new RangeError('aggregateValues: a bucket needs at least one value')
  switch (aggregate) {
    case 'first':
      return values[0] as number
    case 'last':
      return values[values.length - 1] as number
    case 'count':
      return values.length
    case 'sum':
      return sum(values)
    case 'avg':
      return sum(values) / values.length
    // A reduce, not Math.min(...values): spreading a large bucket overflows the call stack.
    case 'min':
      return values.reduce((low, value) => (value < low ? value : low))
    case 'max':
      return values.reduce((high, value) => (value > high ? value : high))
  }
}

function sum(values: readonly number[]): number {
  let total = 0
  for (const value of values) total += value
  return total
}

/**
 * Resamples points sorted by `ts` ascending: one output per non-empty bucket, reported at the
 * bucket's start. Because the input is sorted, each bucket is a contiguous run, so one pass
 * suffices; unsorted input would silently split buckets, hence the check.
 */
export function resample(points: readonly TimedValue[], options: ResampleOptions): ResampledValue[] {
  const { interval, aggregate, timeZone = 'UTC' } = options
  const output: ResampledValue[] = []
  let currentStart: number | undefined
  let currentValues: number[] = []
  let previousTs = Number.NEGATIVE_INFINITY
  const flush = (): void => {
    if (currentStart === undefined) return
    output.push({ ts: currentStart, value: aggregateValues(currentValues, aggregate), count: currentValues.length })
  }
  for (const point of points) {
    if (point.ts < previousTs) throw new RangeError(`resample: points must be sorted by ts (${point.ts} after ${previousTs})`)
    previousTs = point.ts
    const start = bucketStart(point.ts, interval, timeZone)
    if (start !== currentStart) {
      flush()
      currentStart = start
      currentValues = []
    }
    currentValues.push(point.value)
  }
  flush()
  return output
}
