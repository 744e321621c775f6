import type { Evidence, FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import type { RealSourceAdapter } from '../source-adapter'
import { formatError, SourceError } from './source-errors'
import type { HttpAdapterOptions } from './source-http'
import { arrayAt, evidenceOf, parseAmount, recordAt, scaled, toPoint } from './source-values'

export const PERP_OI_FEATURE = 'cex/agg/perp_oi_usd'
const SOURCE = 'binance:openInterestHist'
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const
const PAGE_LIMIT = 500
// openInterestHist only keeps the last 30 days; asking for older starts is an error.
const HISTORY_MS = 30 * DAY_MS - HOUR_MS
const DEFAULT_WINDOW_MS = 2 * DAY_MS

export interface OpenInterestRow {
  readonly timestamp: number
  /** USD(T) at the period's mark price; sumOpenInterest (coins) is not used. */
  readonly usd: number
}

export function parseOpenInterestHist(body: unknown, symbol: string): OpenInterestRow[] {
  const source = `${SOURCE}:${symbol}`
  return arrayAt(body, source, 'body').flatMap((raw, index) => {
    const row = recordAt(raw, source, `[${index}]`)
    const timestamp = parseAmount(row.timestamp, source, `[${index}].timestamp`)
    if (timestamp === null) throw formatError(source, `[${index}].timestamp`, 'is missing')
    const usd = parseAmount(row.sumOpenInterestValue, source, `[${index}].sumOpenInterestValue`)
    return usd === null ? [] : [{ timestamp, usd }]
  })
}

/**
 * Binance USDⓈ-M BTC + ETH perpetual open interest in USD, hourly, paging through
 * openInterestHist (≤500 rows a call). An hour counts only when both symbols report it.
 */
export function createPerpOiAdapter(options: HttpAdapterOptions): RealSourceAdapter {
  const { http } = options
  const now = options.now ?? Date.now

  const loadSymbol = async (symbol: string, since: number, until: number) => {
    const rows: OpenInterestRow[] = []
    const evidence: Evidence[] = []
    for (let startTime = since; startTime <= until; ) {
      const fetched = await http.get('futures/data/openInterestHist', { query: { symbol, period: '1h', limit: PAGE_LIMIT, startTime, endTime: until } })
      const page = parseOpenInterestHist(fetched.body, symbol)
      rows.push(...page)
      evidence.push(evidenceOf(`${SOURCE}:${symbol}`, fetched))
      if (page.length < PAGE_LIMIT) break
      startTime = Math.max(...page.map((row) => row.timestamp)) + 1
    }
    return { rows, evidence }
  }

  return {
    name: 'binance-futures',
    features: [PERP_OI_FEATURE],
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      if (spec.id !== PERP_OI_FEATURE) throw new SourceError(`binance-futures: no open-interest series for feature ${spec.id}`, SOURCE, { field: 'featureId' })
      const end = until ?? now()
      const start = Math.max(since ?? end - DEFAULT_WINDOW_MS, now() - HISTORY_MS)
      if (start > end) return []
      const totals = new Map<number, { usd: number; symbols: number }>()
      const evidence: Evidence[] = []
      for (const symbol of SYMBOLS) {
        const loaded = await loadSymbol(symbol, start, end)
        evidence.push(...loaded.evidence)
        for (const row of new Map(loaded.rows.map((entry) => [entry.timestamp, entry])).values()) {
          const total = totals.get(row.timestamp) ?? { usd: 0, symbols: 0 }
          totals.set(row.timestamp, { usd: total.usd + row.usd, symbols: total.symbols + 1 })
        }
      }
      return [...totals]
        .filter(([ts, total]) => total.symbols === SYMBOLS.length && ts >= start && ts <= end)
        .sort(([a], [b]) => a - b)
        .map(([ts, total]) => toPoint(spec.id, { ts, value: scaled(total.usd, 1), evidence, meta: { venues: ['binance'] } }))
    },
  }
}
