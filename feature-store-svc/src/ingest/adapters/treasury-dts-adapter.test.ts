import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { parseDtsPage, selectTgaBalances, tgaEraOf } from './treasury-dts-adapter'

const rowsOf = (name: string) => (fixtureJson(name) as { data: unknown[] }).data

describe('selectTgaBalances', () => {
  it('reads each era from its own label and column, never the first row', () => {
    const balances = selectTgaBalances([...rowsOf('treasury-dts-page1.json'), ...rowsOf('treasury-dts-page2.json')])
    expect(balances).toEqual([
      { date: '2021-09-30', valueUsd: 215_189_000_000 }, // Federal Reserve Account, close_today_bal
      { date: '2021-10-01', valueUsd: 174_313_000_000 }, // Treasury General Account (TGA), close_today_bal
      { date: '2022-04-18', valueUsd: 958_347_000_000 }, // … Closing Balance, open_today_bal (not the Opening row)
      { date: '2025-01-08', valueUsd: 768_942_000_000 },
    ])
  })

  it('switches label on 2021-10-01 and column on 2022-04-18', () => {
    expect(tgaEraOf('2021-09-30').accountType).toBe('Federal Reserve Account')
    expect(tgaEraOf('2022-04-15')).toMatchObject({ accountType: 'Treasury General Account (TGA)', column: 'close_today_bal' })
    expect(tgaEraOf('2022-04-18')).toMatchObject({ accountType: 'Treasury General Account (TGA) Closing Balance', column: 'open_today_bal' })
  })

  it('refuses a date without its era row rather than reading another row', () => {
    const openingOnly = rowsOf('treasury-dts-page2.json').slice(2, 3)
    expect(() => selectTgaBalances(openingOnly)).toThrow(
      'treasury:dts_operating_cash: account_type has no "Treasury General Account (TGA) Closing Balance" row on 2025-01-08; refusing to read another row',
    )
  })

  it('reads the literal "null" as missing, and follows links.next', () => {
    const row = { record_date: '2025-01-09', account_type: 'Treasury General Account (TGA) Closing Balance', open_today_bal: 'null' }
    expect(selectTgaBalances([row])).toEqual([{ date: '2025-01-09', valueUsd: null }])
    expect(parseDtsPage(fixtureJson('treasury-dts-page1.json')).hasNext).toBe(true)
    expect(parseDtsPage(fixtureJson('treasury-dts-page2.json')).hasNext).toBe(false)
  })
})
