import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { depthWithin, parseBook } from './order-books'

// Within ±2 % of mid 97,000: 96,990×100 + 96,000×200 bids, 97,010×100 + 98,000×200 asks.
const BTC_DEPTH = 58_200_000

describe('order books', () => {
  it('reads each venue format to the same book and depth', () => {
    const books = [
      parseBook('binance', fixtureJson('binance-depth-BTCUSDT.json')),
      parseBook('coinbase', fixtureJson('coinbase-book-BTC-USD.json')),
      parseBook('okx', fixtureJson('okx-books-BTC-USDT.json')),
      parseBook('kraken', fixtureJson('kraken-depth-XBTUSD.json')),
    ]
    for (const book of books) expect(depthWithin(book, 0.02, 'venue')).toEqual({ usd: BTC_DEPTH, complete: true })
  })

  it('flags a book whose furthest level is still inside ±2 %', () => {
    expect(depthWithin(parseBook('binance', fixtureJson('binance-depth-truncated.json')), 0.02, 'binance:depth')).toEqual({ usd: BTC_DEPTH, complete: false })
  })

  it('refuses venue errors, empty and crossed books, naming source and field', () => {
    expect(() => parseBook('okx', { code: '50011', msg: 'Too Many Requests', data: [] })).toThrow('okx:depth: code "50011": Too Many Requests')
    expect(() => parseBook('kraken', { error: ['EQuery:Unknown asset pair'] })).toThrow('kraken:depth: EQuery:Unknown asset pair')
    expect(() => depthWithin({ bids: [], asks: [[1, 1]] }, 0.02, 'binance:depth')).toThrow('binance:depth: bids is empty')
    expect(() => depthWithin({ bids: [[2, 1]], asks: [[1, 1]] }, 0.02, 'binance:depth')).toThrow(/are crossed/)
    expect(() => parseBook('binance', { bids: [['x', '1']], asks: [] })).toThrow('binance:depth: bids[0][0] (price) is not a number: "x"')
  })
})
