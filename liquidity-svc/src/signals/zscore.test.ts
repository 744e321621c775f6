import { describe, expect, it } from 'vitest'
import { readFeed } from './availability'
import { toSeries } from './series'
import { standardScore, zScoreAt } from './zscore'

const D = 86_400_000
const WINDOW = 60 * D

/** Daily points ending at `end`, oldest first. */
const daily = (values: number[], end: number) => toSeries(values.map((value, i) => ({ ts: end - (values.length - 1 - i) * D, value })))
const z = (values: number[], t = 100 * D, maxAge = 1.5 * 4 * D) => {
  const series = daily(values, t)
  return zScoreAt(series, readFeed(series, t, maxAge), t, WINDOW, 8)
}

describe('z-score (step 2)', () => {
  it('uses the sample standard deviation (n − 1)', () => {
    // 1..8: mean 4.5, Σ(x − mean)² = 42, s² = 42 / 7 = 6, z = (8 − 4.5) / √6
    expect(z([1, 2, 3, 4, 5, 6, 7, 8])).toBeCloseTo(3.5 / Math.sqrt(6), 15)
    expect(z([8, 7, 6, 5, 4, 3, 2, 1])).toBeCloseTo(-3.5 / Math.sqrt(6), 15)
  })

  it('is unavailable with fewer than 8 points in the window', () => {
    expect(z([1, 2, 3, 4, 5, 6, 7])).toBeNull()
    expect(z([1, 2, 3, 4, 5, 6, 7, 8])).not.toBeNull()
  })

  it('is 0 when σ = 0, even where summing leaves a rounding residue', () => {
    expect(z(Array(8).fill(5))).toBe(0)
    expect(z(Array(10).fill(0.1))).toBe(0)
  })

  it('is clamped to ±3', () => {
    // 15 zeros and a 1: mean 1/16, s = 1/4, z = (15/16) / (1/4) = 3.75 → 3
    expect(standardScore([...Array(15).fill(0), 1], 0, 15, 1, 8)).toBe(3)
    expect(standardScore([...Array(15).fill(0), -1], 0, 15, -1, 8)).toBe(-3)
    expect(standardScore([...Array(15).fill(0), 1], 0, 15, 0.5, 8)).toBeCloseTo((0.5 - 1 / 16) / 0.25, 15)
  })

  it('reads the window t − 60 d < ts ≤ t: a point exactly 60 days old is out', () => {
    const t = 100 * D
    // 61 daily points end at t; the oldest (value 1000) sits at exactly t − 60 d.
    const values = [1000, ...Array.from({ length: 60 }, (_, i) => i % 2)]
    const series = daily(values, t)
    const inWindow = values.slice(1)
    const mean = inWindow.reduce((a, b) => a + b, 0) / 60
    const sd = Math.sqrt(inWindow.reduce((a, b) => a + (b - mean) ** 2, 0) / 59)
    expect(zScoreAt(series, readFeed(series, t, 6 * D), t, WINDOW, 8)).toBeCloseTo((1 - mean) / sd, 12)
  })

  it('ignores points after t', () => {
    const t = 100 * D
    const series = toSeries([...daily([1, 2, 3, 4, 5, 6, 7, 8], t).ts].map((ts, i) => ({ ts, value: i + 1 })).concat([{ ts: t + 1, value: 1e9 }]))
    expect(zScoreAt(series, readFeed(series, t, 6 * D), t, WINDOW, 8)).toBeCloseTo(3.5 / Math.sqrt(6), 15)
  })

  it('is unavailable when the feed is stale, however many points the window has', () => {
    const t = 100 * D
    const series = daily([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], t - 7 * D)
    expect(readFeed(series, t, 6 * D).availability).toBe('stale')
    expect(zScoreAt(series, readFeed(series, t, 6 * D), t, WINDOW, 8)).toBeNull()
  })
})
