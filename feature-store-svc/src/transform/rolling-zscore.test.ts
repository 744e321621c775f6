import { describe, expect, it } from 'vitest'
import { DAY_MS } from '@lav/shared/time'
import { rollingZScore, zScore } from './rolling-zscore'

describe('zScore', () => {
  it('uses the sample standard deviation (n − 1)', () => {
    // mean 5, Σ(x − mean)² = 32, σ = √(32/7), so z(9) = 4 / √(32/7) = √3.5
    expect(zScore([2, 4, 4, 4, 5, 5, 7, 9], 9)).toBeCloseTo(Math.sqrt(3.5), 12)
  })

  it('is null with fewer than minPoints values', () => {
    expect(zScore([1, 2, 3], 3, { minPoints: 4 })).toBeNull()
    expect(zScore([1], 1)).toBeNull()
  })

  it('is 0 when σ = 0, even for large levels', () => {
    expect(zScore([5, 5, 5], 5)).toBe(0)
    expect(zScore([7e12, 7e12, 7e12, 7e12], 7e12)).toBe(0)
  })

  it('clamps on both sides when asked', () => {
    // mean 2, Σ(x − mean)² = 80, σ = √20; z(10) = 8/√20 ≈ 1.79, z(−100) = −102/√20 ≈ −22.8
    expect(zScore([0, 0, 0, 0, 10], 10)).toBeCloseTo(8 / Math.sqrt(20), 12)
    expect(zScore([0, 0, 0, 0, 10], 10, { clamp: 1.5 })).toBe(1.5)
    expect(zScore([0, 0, 0, 0, 10], -100, { clamp: 1.5 })).toBe(-1.5)
  })

  it('rejects a minPoints below 2 and a non-positive clamp', () => {
    expect(() => zScore([1, 2], 1, { minPoints: 1 })).toThrow('minPoints must be an integer ≥ 2')
    expect(() => zScore([1, 2], 1, { clamp: 0 })).toThrow('clamp must be positive')
  })
})

describe('rollingZScore', () => {
  const series = [1, 2, 3, 10, 10].map((value, day) => ({ ts: day * DAY_MS, value }))

  it('scores each point against (ts − window, ts]', () => {
    const result = rollingZScore(series, { windowMs: 3 * DAY_MS, minPoints: 3 })
    expect(result.map((entry) => entry.ts)).toEqual(series.map((point) => point.ts))
    expect(result[0]?.z).toBeNull() // {1}
    expect(result[1]?.z).toBeNull() // {1, 2}
    expect(result[2]?.z).toBeCloseTo(1, 12) // {1, 2, 3}: mean 2, σ 1
    expect(result[3]?.z).toBeCloseTo(5 / Math.sqrt(19), 12) // {2, 3, 10}: mean 5, σ √19 (day 0 left the window)
    expect(result[4]?.z).toBeCloseTo(1 / Math.sqrt(3), 12) // {3, 10, 10}: mean 23/3, σ 7/√3
  })

  it('applies the clamp', () => {
    const result = rollingZScore(series, { windowMs: 3 * DAY_MS, minPoints: 3, clamp: 0.5 })
    expect(result.map((entry) => entry.z)).toEqual([null, null, 0.5, 0.5, 0.5])
  })

  it('gives 0 on a flat stretch', () => {
    const flat = [4, 4, 4].map((value, day) => ({ ts: day * DAY_MS, value }))
    expect(rollingZScore(flat, { windowMs: 10 * DAY_MS }).map((entry) => entry.z)).toEqual([null, 0, 0])
  })

  it('returns nothing for no points and rejects unsorted ones', () => {
    expect(rollingZScore([], { windowMs: DAY_MS })).toEqual([])
    expect(() => rollingZScore([series[1]!, series[0]!], { windowMs: DAY_MS })).toThrow('sorted')
  })

  it('rejects a non-positive window', () => {
    expect(() => rollingZScore(series, { windowMs: 0 })).toThrow('windowMs must be positive')
  })
})
