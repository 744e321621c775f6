import { describe, expect, it } from 'vitest'
import { computeCoverage, slotCount } from './coverage'

const H = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

describe('coverage', () => {
  it('counts whole slots from since; the last slot takes the remainder', () => {
    expect(slotCount(0, 30 * 24 * H, 24 * H)).toBe(30)
    expect(slotCount(0, 30 * 24 * H + 5 * H, 24 * H)).toBe(30)
    expect(slotCount(0, H / 2, H)).toBe(1)
  })

  it('reports the ratio and merges consecutive empty slots into gaps', () => {
    expect(computeCoverage(0, 10 * H, H, [0, 1, 4, 9])).toEqual({
      ratio: 0.4,
      expected: 10,
      observed: 4,
      gaps: [
        { from: iso(2 * H), to: iso(4 * H) },
        { from: iso(5 * H), to: iso(9 * H) },
      ],
    })
  })

  it('ends a trailing gap at until', () => {
    expect(computeCoverage(0, 3.5 * H, H, [0]).gaps).toEqual([{ from: iso(H), to: iso(3.5 * H) }])
  })

  it('has no ratio for tick features', () => {
    expect(computeCoverage(0, H, null, [], 17)).toEqual({ ratio: null, expected: null, observed: 17, gaps: [] })
  })

  it('is complete when every slot holds a point', () => {
    expect(computeCoverage(0, 3 * H, H, [2, 1, 0, 1])).toEqual({ ratio: 1, expected: 3, observed: 3, gaps: [] })
  })

  it('walks the occupied slots only: billions of empty minute slots are two gaps, not a loop over each', () => {
    const until = 5e9 * 60_000
    const coverage = computeCoverage(0, until, 60_000, [7, 7, 1_000_000_000])
    expect(coverage).toEqual({
      ratio: 2 / 5e9,
      expected: 5e9,
      observed: 2,
      gaps: [
        { from: iso(0), to: iso(7 * 60_000) },
        { from: iso(8 * 60_000), to: iso(1e9 * 60_000) },
        { from: iso((1e9 + 1) * 60_000), to: iso(until) },
      ],
    })
  })
})
