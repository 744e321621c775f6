import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { parseStablecoinChart, yearOverYear } from './stablecoins-adapter'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`)

describe('stablecoin chart', () => {
  it('reads string unix-second dates and totalCirculatingUSD.peggedUSD, skipping rows without it and today', () => {
    const levels = parseStablecoinChart(fixtureJson('stablecoincharts-all.json'), day('2025-01-03') + 5 * 3_600_000)
    expect(levels.map(({ ts }) => new Date(ts).toISOString().slice(0, 10))).toEqual(['2024-01-01', '2024-01-02', '2025-01-01', '2025-01-02'])
    expect(levels[0]?.usd).toBe(130_150_000_000.7)
  })

  it('computes YoY against 365 days earlier (2024 was a leap year) and skips days without a base', () => {
    const yoy = yearOverYear(parseStablecoinChart(fixtureJson('stablecoincharts-all.json'), day('2025-02-01')))
    expect(yoy).toHaveLength(1)
    expect(yoy[0]).toMatchObject({ ts: day('2025-01-01'), base: 130_000_000_000 })
    expect(yoy[0]?.ratio).toBeCloseTo(205.4 / 130 - 1, 12)
  })

  it('refuses a body that is not the chart array', () => {
    expect(() => parseStablecoinChart({ message: 'rate limited' }, 0)).toThrow('defillama:stablecoincharts: body is not an array (got object)')
  })
})
