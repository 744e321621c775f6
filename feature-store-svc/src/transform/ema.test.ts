import { describe, expect, it } from 'vitest'
import { ema, emaStep } from './ema'

describe('ema', () => {
  it('seeds with the first value and then blends with α', () => {
    // 10; 0.5·20 + 0.5·10 = 15; 0.5·5 + 0.5·15 = 10
    expect(ema([10, 20, 5], 0.5)).toEqual([10, 15, 10])
  })

  it('skips nulls before and between values, carrying the average across gaps', () => {
    // seed 4 at index 2; index 3 null keeps 4; 0.25·8 + 0.75·4 = 5
    expect(ema([null, null, 4, null, 8], 0.25)).toEqual([null, null, 4, 4, 5])
  })

  it('with α = 1 follows the input', () => {
    expect(ema([3, -1, 7], 1)).toEqual([3, -1, 7])
  })

  it('matches the liquidity smoothing α = 0.2', () => {
    // 1; 0.2·2 + 0.8·1 = 1.2; 0.2·0 + 0.8·1.2 = 0.96
    const result = ema([1, 2, 0], 0.2)
    expect(result[0]).toBe(1)
    expect(result[1]).toBeCloseTo(1.2, 12)
    expect(result[2]).toBeCloseTo(0.96, 12)
  })

  it('returns all nulls when there is no value', () => {
    expect(ema([null, null], 0.3)).toEqual([null, null])
    expect(ema([], 0.3)).toEqual([])
  })

  it('rejects α outside (0, 1]', () => {
    expect(() => ema([1], 0)).toThrow('alpha must be in (0, 1]')
    expect(() => ema([1], 1.5)).toThrow(RangeError)
    expect(() => ema([1], Number.NaN)).toThrow(RangeError)
  })
})

describe('emaStep', () => {
  it('seeds and steps', () => {
    expect(emaStep(null, 7, 0.2)).toBe(7)
    expect(emaStep(10, 20, 0.5)).toBe(15)
  })
})
