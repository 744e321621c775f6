import type { FixtureAnswer, FixtureRequest } from './source-fixture-server'

const EMPTY_FRED = JSON.stringify({ count: 0, offset: 0, limit: 100000, observations: [] })

/** Every real source's fixtures, by the path each adapter calls under its base URL. */
export function sourceRoutes(request: FixtureRequest): FixtureAnswer | undefined {
  const { pathname: path, searchParams: query } = request.url
  switch (path) {
    case '/fred/fred/series/observations': {
      const series = query.get('series_id')
      if (series === 'WALCL') return { fixture: query.get('offset') === '2' ? 'fred-walcl-page2.json' : 'fred-walcl-page1.json' }
      if (series === 'RRPONTSYD') return { fixture: 'fred-rrpontsyd.json' }
      return { body: EMPTY_FRED }
    }
    case '/treasury/services/api/fiscal_service/v1/accounting/dts/operating_cash_balance':
      return { fixture: query.get('page[number]') === '2' ? 'treasury-dts-page2.json' : 'treasury-dts-page1.json' }
    case '/defillama_stablecoins/stablecoincharts/all':
      return { fixture: 'stablecoincharts-all.json' }
    case '/sosovalue/openapi/v2/etf/historicalInflowChart':
      return { fixture: request.body.includes('us-eth-spot') ? 'sosovalue-eth-list.json' : 'sosovalue-btc-array.json' }
    case '/binance_spot/api/v3/depth':
      return { fixture: `binance-depth-${query.get('symbol')}.json` }
    case '/coinbase/products/BTC-USD/book':
    case '/coinbase/products/ETH-USD/book':
      return { fixture: `coinbase-book-${path.split('/')[3]}.json` }
    case '/okx/api/v5/market/books-full':
      return { fixture: `okx-books-${query.get('instId')}.json` }
    case '/kraken/0/public/Depth':
      return { fixture: `kraken-depth-${query.get('pair')}.json` }
    case '/binance_futures/futures/data/openInterestHist':
      return { fixture: `binance-oi-${query.get('symbol')}.json` }
    case '/defillama_api/protocols':
      return { fixture: 'defillama-protocols.json' }
    default:
      return undefined
  }
}
