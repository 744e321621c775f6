import { describe, expect, it } from 'vitest'
import { UnknownConversionError, canConvert, conversionFactor, scaleValue } from './unit-scaling'

describe('scaleValue', () => {
  it('turns millions, billions and trillions of USD into USD', () => {
    expect(scaleValue(7.5, 'USD_millions', 'USD')).toBe(7_500_000)
    expect(scaleValue(1.25, 'USD_billions', 'USD')).toBe(1_250_000_000)
    expect(scaleValue(6.7, 'USD_trillions', 'USD')).toBe(6_700_000_000_000)
    expect(scaleValue(250, 'USD_thousands', 'USD')).toBe(250_000)
  })

  it('goes the other way and between multiples', () => {
    expect(scaleValue(2_500_000_000, 'USD', 'USD_billions')).toBe(2.5)
    expect(scaleValue(1500, 'USD_thousands', 'USD_millions')).toBe(1.5)
  })

  it('turns percent and basis points into ratios', () => {
    expect(scaleValue(4.5, 'percent', 'ratio')).toBe(0.045)
    expect(scaleValue(25, 'bps', 'ratio')).toBe(0.0025)
    expect(scaleValue(-12, 'bps', 'ratio')).toBe(-0.0012)
    expect(scaleValue(1.5, 'percent', 'bps')).toBe(150)
    expect(scaleValue(0.25, 'ratio', 'percent')).toBe(25)
  })

  it('reads the spellings sources use', () => {
    expect(scaleValue(6_800_000, 'Millions of U.S. Dollars', 'USD')).toBe(6_800_000_000_000)
    expect(scaleValue(3, 'USD bn', 'usd')).toBe(3_000_000_000)
    expect(scaleValue(3.2, '%', 'ratio')).toBe(0.032)
    expect(scaleValue(310, 'basis points', 'percent')).toBe(3.1)
  })

  it('leaves a unit it does not list unchanged when converting to itself', () => {
    expect(scaleValue(104.2, 'index', 'index')).toBe(104.2)
  })

  it('throws a clear error for an unknown unit', () => {
    expect(() => scaleValue(1, 'furlongs', 'USD')).toThrow(UnknownConversionError)
    expect(() => scaleValue(1, 'furlongs', 'USD')).toThrow('cannot convert "furlongs" to "USD": unknown unit "furlongs"')
  })

  it('throws when the units measure different things', () => {
    expect(() => scaleValue(1, 'USD_millions', 'percent')).toThrow('USD and ratio measure different things')
  })
})

describe('conversionFactor and canConvert', () => {
  it('gives the multiplier', () => {
    expect(conversionFactor('USD_millions', 'USD')).toBe(1e6)
    expect(conversionFactor('bps', 'percent')).toBe(0.01)
  })

  it('answers whether a conversion exists', () => {
    expect(canConvert('USD_billions', 'USD')).toBe(true)
    expect(canConvert('index', 'USD')).toBe(false)
  })
})
