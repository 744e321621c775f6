import { describe, expect, it } from 'vitest'
import { rawComposite, scoreOf, smooth } from './composite'

const W = { gl: 0.4, cn: 0.4, mp: 0.2 }

describe('raw composite (step 4)', () => {
  it('weights the three components', () => {
    // 0.4·1 + 0.4·0.5 + 0.2·(−1) = 0.4
    expect(rawComposite({ gl: 1, cn: 0.5, mp: -1 }, W, 2)).toBeCloseTo(0.4, 15)
  })

  it('renormalises over the available components', () => {
    // (0.4·1 + 0.4·0.5) / 0.8 = 0.75; (0.4·1 + 0.2·(−1)) / 0.6 = 1/3
    expect(rawComposite({ gl: 1, cn: 0.5, mp: null }, W, 2)).toBeCloseTo(0.75, 15)
    expect(rawComposite({ gl: 1, cn: null, mp: -1 }, W, 2)).toBeCloseTo(1 / 3, 15)
  })

  it('is unavailable with fewer than LIQ_MIN_COMPONENTS components', () => {
    expect(rawComposite({ gl: 1, cn: null, mp: null }, W, 2)).toBeNull()
    expect(rawComposite({ gl: 1, cn: null, mp: null }, W, 1)).toBe(1)
    expect(rawComposite({ gl: null, cn: null, mp: null }, W, 1)).toBeNull()
  })
})

describe('EMA (step 5)', () => {
  it('starts at the first available s, skips unavailable instants and keeps e across them', () => {
    // e: –, 1, 1, 0.2·2 + 0.8·1 = 1.2, 0.2·(−1) + 0.8·1.2 = 0.76
    const e = smooth([null, 1, null, 2, -1], 0.2)
    expect(e[0]).toBeNull()
    expect(e[1]).toBe(1)
    expect(e[2]).toBe(1)
    expect(e[3]).toBeCloseTo(1.2, 15)
    expect(e[4]).toBeCloseTo(0.76, 15)
  })

  it('is unavailable throughout when s never is', () => {
    expect(smooth([null, null], 0.2)).toEqual([null, null])
  })
})

describe('score (step 6)', () => {
  it('maps e on the z scale to 0..100 without rounding', () => {
    expect(scoreOf(0)).toBe(50)
    expect(scoreOf(1.5)).toBe(75)
    expect(scoreOf(-0.9)).toBeCloseTo(35, 13)
    expect(scoreOf(3)).toBe(100)
    expect(scoreOf(-3)).toBe(0)
    expect(scoreOf(1 / 3)).toBeCloseTo(50 + 50 / 9, 12)
  })
})
