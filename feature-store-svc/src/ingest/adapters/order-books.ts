import { formatError, SourceError } from './source-errors'
import { arrayAt, parseAmount, recordAt } from './source-values'

/** [price, quantity] in USD(T) and base units. */
export type Level = readonly [number, number]
export interface OrderBook {
  readonly bids: Level[]
  readonly asks: Level[]
}

export const VENUES = ['binance', 'coinbase', 'okx', 'kraken'] as const
export type Venue = (typeof VENUES)[number]
export type Asset = 'BTC' | 'ETH'

/** Each venue's book request for an asset (USDT is taken as USD) and its payload's reader. */
export const BOOK_REQUESTS: Readonly<Record<Venue, (asset: Asset) => { path: string; query: Record<string, string | number>; market: string }>> = {
  binance: (asset) => ({ path: 'api/v3/depth', query: { symbol: `${asset}USDT`, limit: 5000 }, market: `${asset}USDT` }),
  coinbase: (asset) => ({ path: `products/${asset}-USD/book`, query: { level: 2 }, market: `${asset}-USD` }),
  okx: (asset) => ({ path: 'api/v5/market/books-full', query: { instId: `${asset}-USDT`, sz: 5000 }, market: `${asset}-USDT` }),
  kraken: (asset) => {
    const pair = asset === 'BTC' ? 'XBTUSD' : 'ETHUSD'
    return { path: '0/public/Depth', query: { pair, count: 500 }, market: pair }
  },
}

function levelsAt(value: unknown, source: string, field: string): Level[] {
  return arrayAt(value, source, field).map((raw, index) => {
    // Venues append extras (order count, a deprecated "0", a timestamp): only [0] and [1] count.
    const level = arrayAt(raw, source, `${field}[${index}]`)
    const price = parseAmount(level[0], source, `${field}[${index}][0] (price)`)
    const quantity = parseAmount(level[1], source, `${field}[${index}][1] (quantity)`)
    if (price === null || quantity === null) throw formatError(source, `${field}[${index}]`, 'has no price or quantity')
    return [price, quantity] as const
  })
}

/** A venue's depth payload as bids and asks (prices and quantities arrive as strings). */
export function parseBook(venue: Venue, body: unknown): OrderBook {
  const source = `${venue}:depth`
  const root = recordAt(body, source, 'body')
  if (venue === 'okx') {
    if (root.code !== '0') throw new SourceError(`${source}: code ${JSON.stringify(root.code)}: ${String(root.msg ?? '')}`, source, { field: 'code' })
    const book = recordAt(arrayAt(root.data, source, 'data')[0], source, 'data[0]')
    return { bids: levelsAt(book.bids, source, 'data[0].bids'), asks: levelsAt(book.asks, source, 'data[0].asks') }
  }
  if (venue === 'kraken') {
    const errors = arrayAt(root.error ?? [], source, 'error')
    if (errors.length > 0) throw new SourceError(`${source}: ${errors.join('; ')}`, source, { field: 'error' })
    // The result is keyed by Kraken's canonical pair name (XXBTZUSD for XBTUSD), not the one asked.
    const books = Object.entries(recordAt(root.result, source, 'result'))
    if (books.length !== 1) throw formatError(source, 'result', `should hold one pair, holds ${books.length}`)
    const [pair, book] = books[0]!
    const fields = recordAt(book, source, `result.${pair}`)
    return { bids: levelsAt(fields.bids, source, `result.${pair}.bids`), asks: levelsAt(fields.asks, source, `result.${pair}.asks`) }
  }
  return { bids: levelsAt(root.bids, source, 'bids'), asks: levelsAt(root.asks, source, 'asks') }
}

export interface Depth {
  readonly usd: number
  /** False when the furthest level returned is still inside the band: the book was cut short. */
  readonly complete: boolean
}

/**
 * USD resting within ±band of mid = (best bid + best ask)/2, both sides. A book whose deepest
 * bid is above mid·(1−band), or deepest ask below mid·(1+band), is truncated: what it
 * returns is only a lower bound.
 */
export function depthWithin(book: OrderBook, band: number, source: string): Depth {
  if (book.bids.length === 0 || book.asks.length === 0) throw formatError(source, book.bids.length === 0 ? 'bids' : 'asks', 'is empty')
  const bestBid = Math.max(...book.bids.map(([price]) => price))
  const bestAsk = Math.min(...book.asks.map(([price]) => price))
  if (!(bestBid < bestAsk)) throw formatError(source, 'bids/asks', `are crossed (bid ${bestBid} ≥ ask ${bestAsk})`)
  const mid = (bestBid + bestAsk) / 2
  const [low, high] = [mid * (1 - band), mid * (1 + band)]
  const sum = (levels: Level[], inside: (price: number) => boolean) =>
    levels.reduce((total, [price, quantity]) => (inside(price) ? total + price * quantity : total), 0)
  const usd = sum(book.bids, (price) => price >= low) + sum(book.asks, (price) => price <= high)
  const complete = Math.min(...book.bids.map(([price]) => price)) <= low && Math.max(...book.asks.map(([price]) => price)) >= high
  return { usd, complete }
}
