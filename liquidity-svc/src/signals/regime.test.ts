import { describe, expect, it } from 'vitest'
import { candidateState, confirmStates, type CandidateInputs } from './regime'
import { flowSum, risingOver } from './regime-inputs'
import { toSeries } from './series'

const D = 86_400_000
const TH = { hi: 0.8, lo: -0.8 }
const calm: CandidateInputs = { e: 0, flow: null, yoy: null, upRrp: null, upTga: null }
const rule = (inputs: Partial<CandidateInputs>) => candidateState({ ...calm, ...inputs }, TH)

describe('verde', () => {
  it('needs e > θ_hi, flow > 0 and yoy > 0 together', () => {
    expect(rule({ e: 0.81, flow: 1, yoy: 0.05 })).toBe('verde')
    expect(rule({ e: 0.8, flow: 1, yoy: 0.05 })).toBe('amarillo')
    expect(rule({ e: 0.81, flow: 0, yoy: 0.05 })).toBe('amarillo')
    expect(rule({ e: 0.81, flow: 1, yoy: 0 })).toBe('amarillo')
  })

  it('is never reached with an unavailable flow or yoy', () => {
    expect(rule({ e: 2, flow: null, yoy: 0.05 })).toBe('amarillo')
    expect(rule({ e: 2, flow: 1, yoy: null })).toBe('amarillo')
  })
})

describe('rojo', () => {
  it('follows from e < θ_lo alone, whatever else holds', () => {
    expect(rule({ e: -0.81 })).toBe('rojo')
    expect(rule({ e: -0.81, flow: 5, yoy: 1 })).toBe('rojo')
    expect(rule({ e: -0.8 })).toBe('amarillo')
  })

  it('follows from RRP and TGA both rising with ETF outflows, at any e', () => {
    expect(rule({ e: 0.5, upRrp: true, upTga: true, flow: -1 })).toBe('rojo')
    expect(rule({ e: 2, upRrp: true, upTga: true, flow: -1, yoy: 1 })).toBe('rojo')
    expect(rule({ upRrp: true, upTga: false, flow: -1 })).toBe('amarillo')
    expect(rule({ upRrp: true, upTga: true, flow: 0 })).toBe('amarillo')
  })

  it('treats an unavailable RRP, TGA or flow as false', () => {
    expect(rule({ upRrp: null, upTga: true, flow: -1 })).toBe('amarillo')
    expect(rule({ upRrp: true, upTga: null, flow: -1 })).toBe('amarillo')
    expect(rule({ upRrp: true, upTga: true, flow: null })).toBe('amarillo')
  })
})

describe('inputs of the rules', () => {
  const btc = toSeries([
    { ts: 3 * D, value: 100 }, // exactly t − 7 d for t = 10 d: out
    { ts: 4 * D, value: 5 },
    { ts: 10 * D, value: -2 },
    { ts: 10 * D + 1, value: 1000 }, // after t: out
  ])
  const eth = toSeries([{ ts: 9 * D, value: 7 }])
  const none = toSeries([])

  it('flow sums both ETF feeds over t − 7 d < ts ≤ t, stale or not', () => {
    expect(flowSum([btc, eth], 10 * D, 7 * D)).toBe(5 - 2 + 7)
    expect(flowSum([btc, none], 10 * D, 7 * D)).toBe(3)
    expect(flowSum([none, eth], 30 * D, 7 * D)).toBeNull()
    expect(flowSum([none, none], 10 * D, 7 * D)).toBeNull()
  })

  it('up compares the as-of values now and 7 days before, staleness ignored', () => {
    const rrp = toSeries([
      { ts: 0, value: 10 },
      { ts: 20 * D, value: 11 },
      { ts: 30 * D, value: 11 },
    ])
    expect(risingOver(rrp, 21 * D, 7 * D)).toBe(true) // 11 at 20 d vs 10 at 0 (stale, still counts)
    expect(risingOver(rrp, 31 * D, 7 * D)).toBe(false) // 11 vs 11: not rising
    expect(risingOver(rrp, 6 * D, 7 * D)).toBeNull() // nothing at or before −1 d
    expect(risingOver(none, 6 * D, 7 * D)).toBeNull()
  })
})

describe('confirmation (step 8)', () => {
  const days = (n: number) => Array.from({ length: n }, (_, i) => i * D)

  it('takes the first candidate as the state', () => {
    expect(confirmStates(days(2), [null, 'rojo'], D)).toEqual([null, 'rojo'])
  })

  it('does not flip on a one-day candidate, flips on two consecutive days', () => {
    expect(confirmStates(days(5), ['amarillo', 'verde', 'amarillo', 'verde', 'verde'], D)).toEqual(['amarillo', 'amarillo', 'amarillo', 'amarillo', 'verde'])
  })

  it('needs every candidate in [t − H, t] to agree: with H = 48 h, three days', () => {
    expect(confirmStates(days(4), ['amarillo', 'rojo', 'rojo', 'rojo'], 2 * D)).toEqual(['amarillo', 'amarillo', 'amarillo', 'rojo'])
  })

  it('counts only instants that have a candidate', () => {
    // The day before has none, so the window holds only this one: it flips at once.
    expect(confirmStates(days(3), ['amarillo', null, 'rojo'], D)).toEqual(['amarillo', 'amarillo', 'rojo'])
  })

  it('flips at once with H = 0', () => {
    expect(confirmStates(days(3), ['amarillo', 'verde', 'rojo'], 0)).toEqual(['amarillo', 'verde', 'rojo'])
  })
})
