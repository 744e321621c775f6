import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { parseEtfChart } from './etf-flows-adapter'

describe('parseEtfChart', () => {
  it('reads data:[…] sorted by date, skipping days without the field', () => {
    expect(parseEtfChart(fixtureJson('sosovalue-btc-array.json'), 'totalNetInflow')).toEqual([
      { date: '2025-02-21', value: -62_000_000 },
      { date: '2025-02-24', value: -516_400_000 },
      { date: '2025-02-25', value: -1_013_890_000 },
    ])
  })

  it('reads data:{list:[…]} and net assets', () => {
    expect(parseEtfChart(fixtureJson('sosovalue-eth-list.json'), 'totalNetAssets').map(({ value }) => value)).toEqual([9_880_000_000, 9_250_000_000])
  })

  it('refuses code ≠ 0 naming the msg, and a series that looks like US$m', () => {
    expect(() => parseEtfChart(fixtureJson('sosovalue-error.json'), 'totalNetInflow')).toThrow('sosovalue:historicalInflowChart: code 40001: invalid api key')
    const millions = { code: 0, data: ['2025-02-18', '2025-02-19', '2025-02-20', '2025-02-21', '2025-02-24'].map((date) => ({ date, totalNetInflow: -516.4 })) }
    expect(() => parseEtfChart(millions, 'totalNetInflow')).toThrow(/totalNetInflow never exceeds US\$1 M in 5 days/)
  })
})
