import { describe, expect, it } from 'vitest'
import { parseFarsideCell } from './etf-flows-adapter'
import { parseAmount, parseDay, scaled } from './source-values'

describe('parseAmount', () => {
  it('reads every way a source writes "missing" as missing, never 0', () => {
    for (const raw of ['.', 'null', '', '  ', undefined, null, 'NaN']) expect(parseAmount(raw, 'fred:WALCL', 'value')).toBeNull()
  })

  it('reads numbers, numeric strings, thousands separators and accounting negatives', () => {
    expect(parseAmount('6853155', 's', 'f')).toBe(6853155)
    expect(parseAmount(-1013890000.0, 's', 'f')).toBe(-1013890000)
    expect(parseAmount('1,234.5', 's', 'f')).toBe(1234.5)
    expect(parseAmount('(123.4)', 's', 'f')).toBe(-123.4)
    expect(parseAmount('3.1e9', 's', 'f')).toBe(3.1e9)
  })

  it('refuses what is not a number, naming source and field', () => {
    expect(() => parseAmount('12abc', 'fred:WALCL', 'observations[3].value')).toThrow('fred:WALCL: observations[3].value is not a number: "12abc"')
    expect(() => parseAmount({ usd: 1 }, 'sosovalue', 'data[0].totalNetInflow')).toThrow(/sosovalue: data\[0\]\.totalNetInflow is neither a number nor a string/)
    expect(() => parseAmount(Number.POSITIVE_INFINITY, 's', 'f')).toThrow(/not a finite number/)
  })
})

describe('parseDay and scaled', () => {
  it('reads YYYY-MM-DD as UTC midnight and refuses anything else', () => {
    expect(parseDay('2025-01-08', 's', 'date')).toBe(Date.parse('2025-01-08T00:00:00Z'))
    expect(() => parseDay('01/08/2025', 'treasury', 'record_date')).toThrow('treasury: record_date is not a YYYY-MM-DD date: "01/08/2025"')
  })

  it('scales without float noise', () => {
    expect(scaled(98.657, 1e9)).toBe(98_657_000_000)
    expect(scaled(6853155, 1e6)).toBe(6_853_155_000_000)
  })
})

describe('parseFarsideCell', () => {
  it('reads US$m with parentheses for outflows, and dashes as no report', () => {
    expect(parseFarsideCell('(123.4)', 'IBIT')).toBe(-123_400_000)
    expect(parseFarsideCell('1,012.5', 'Total')).toBe(1_012_500_000)
    expect(parseFarsideCell('-', 'ARKB')).toBeNull()
  })
})
