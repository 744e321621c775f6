import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIsoFormatter, jsNumberText } from './instant-text'

describe('createIsoFormatter', () => {
  it('writes what Date#toISOString writes, for ascending runs and for jumps across days and years', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 50 }), (instants) => {
        const format = createIsoFormatter()
        for (const ms of [...instants, ...instants.sort((a, b) => a - b)]) expect(format(ms)).toBe(new Date(ms).toISOString())
      }),
    )
  })

  it('formats every hour and odd millisecond of a year in order', () => {
    const format = createIsoFormatter()
    for (let ms = Date.parse('2024-01-01T00:00:00.000Z'); ms < Date.parse('2025-01-01T00:00:00.000Z'); ms += 3_600_007) expect(format(ms)).toBe(new Date(ms).toISOString())
  })
})

describe('jsNumberText', () => {
  it.each([
    ['837032.5579677356', '837032.5579677356'],
    ['4000000000000', '4000000000000'],
    ['5e-05', '0.00005'],
    ['1.5e-07', '1.5e-7'],
    ['1e+15', '1000000000000000'],
    ['2.5e+21', '2.5e+21'],
    ['-0', '0'],
    ['-1234.5', '-1234.5'],
  ])('%s → %s', (pg, js) => {
    expect(jsNumberText(pg)).toBe(js)
    expect(Number(jsNumberText(pg)) === Number(pg)).toBe(true) // ===, not Object.is: "-0" and "0" are the same JSON number
  })
})
