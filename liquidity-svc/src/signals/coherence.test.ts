import { describe, expect, it } from 'vitest'
import { coherenceOf, completenessOf, confidenceOf } from './coherence'

describe('coherence, completeness and confidence (step 9)', () => {
  it('is the share of available components on the side of e', () => {
    expect(coherenceOf({ gl: 1, cn: -0.5, mp: null }, 0.3)).toBe(0.5)
    expect(coherenceOf({ gl: 1, cn: 0.5, mp: -0.1 }, -0.3)).toBeCloseTo(1 / 3, 15)
    expect(coherenceOf({ gl: 1, cn: 0.5, mp: 2 }, 0.3)).toBe(1)
  })

  it('counts a component at exactly 0 as coherent (c·e = 0 ≥ 0)', () => {
    expect(coherenceOf({ gl: 0, cn: -1, mp: null }, -0.5)).toBe(1)
  })

  it('is 1 when e = 0, and 0 without e or without any component', () => {
    expect(coherenceOf({ gl: 1, cn: -1, mp: 2 }, 0)).toBe(1)
    expect(coherenceOf({ gl: 1, cn: -1, mp: 2 }, null)).toBe(0)
    expect(coherenceOf({ gl: null, cn: null, mp: null }, 0.5)).toBe(0)
  })

  it('multiplies coherence by the share of available feeds', () => {
    expect(completenessOf(7, 9)).toBeCloseTo(7 / 9, 15)
    expect(confidenceOf(0.5, completenessOf(9, 9))).toBe(0.5)
    expect(confidenceOf(2 / 3, completenessOf(6, 9))).toBeCloseTo(4 / 9, 15)
  })
})
