import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { sumDexTvl } from './dex-liquidity-adapter'
import { parseOpenInterestHist } from './perp-oi-adapter'

describe('sumDexTvl', () => {
  it('sums tvl of category "Dexs" only, never chainTvls, and skips a missing tvl', () => {
    expect(sumDexTvl(fixtureJson('defillama-protocols.json'))).toEqual({ usd: 4_450_000_000.5, protocols: 2 })
  })

  it('refuses a list without any DEX', () => {
    expect(() => sumDexTvl([{ category: 'Lending', tvl: 1 }])).toThrow('defillama:protocols: category has no "Dexs" protocol with a tvl')
  })
})

describe('parseOpenInterestHist', () => {
  it('reads sumOpenInterestValue (USD), not sumOpenInterest (coins)', () => {
    expect(parseOpenInterestHist(fixtureJson('binance-oi-BTCUSDT.json'), 'BTCUSDT')[0]).toEqual({ timestamp: 1736294400000, usd: 7_771_975_232.12 })
  })
})
