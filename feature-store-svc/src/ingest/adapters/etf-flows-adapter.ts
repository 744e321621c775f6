import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import type { RealSourceAdapter } from '../source-adapter'
import { formatError, SourceError } from './source-errors'
import type { HttpAdapterOptions } from './source-http'
import { arrayAt, DEFAULT_HISTORY_MS, evidenceOf, parseAmount, parseDay, recordAt, toPoint } from './source-values'

const SOURCE = 'sosovalue:historicalInflowChart'
const PATH = 'openapi/v2/etf/historicalInflowChart'

/** Each feature's SoSoValue ETF group and field (all raw USD numbers). */
export const ETF_SERIES: Readonly<Record<string, { type: string; field: 'totalNetInflow' | 'totalNetAssets' }>> = {
  'crypto/etf/btc_net_flow_usd': { type: 'us-btc-spot', field: 'totalNetInflow' },
  'crypto/etf/eth_net_flow_usd': { type: 'us-eth-spot', field: 'totalNetInflow' },
  'crypto/etf/btc_aum_usd': { type: 'us-btc-spot', field: 'totalNetAssets' },
  'crypto/etf/eth_aum_usd': { type: 'us-eth-spot', field: 'totalNetAssets' },
}

// Daily net flows in raw USD peak far above US$1 M; a series that never does was read in the
// wrong unit (US$m or US$bn), so it is refused rather than stored a million times too small.
const UNITS_BUG_PEAK_USD = 1e6
const UNITS_CHECK_MIN_DAYS = 5

export interface EtfDay {
  readonly date: string
  readonly value: number
}

/**
 * A historicalInflowChart answer: `code` must be 0 (else the error names `msg`), rows sit in
 * `data` or in `data.list`. Days without the field are skipped; one row per date, ascending.
 */
export function parseEtfChart(body: unknown, field: 'totalNetInflow' | 'totalNetAssets'): EtfDay[] {
  const root = recordAt(body, SOURCE, 'body')
  if (root.code !== 0) throw new SourceError(`${SOURCE}: code ${JSON.stringify(root.code)}: ${String(root.msg ?? 'no msg')}`, SOURCE, { field: 'code' })
  const data = root.data
  const rows = Array.isArray(data) ? data : arrayAt(data === null || typeof data !== 'object' ? data : (data as Record<string, unknown>).list, SOURCE, 'data.list')
  const byDate = new Map<string, number>()
  rows.forEach((raw, index) => {
    const row = recordAt(raw, SOURCE, `data[${index}]`)
    parseDay(row.date, SOURCE, `data[${index}].date`)
    const value = parseAmount(row[field], SOURCE, `data[${index}].${field}`)
    if (value !== null) byDate.set(row.date as string, value)
  })
  const days = [...byDate].map(([date, value]) => ({ date, value })).sort((a, b) => a.date.localeCompare(b.date))
  if (field === 'totalNetInflow' && days.length >= UNITS_CHECK_MIN_DAYS && Math.max(...days.map(({ value }) => Math.abs(value))) < UNITS_BUG_PEAK_USD) {
    throw formatError(SOURCE, field, `never exceeds US$1 M in ${days.length} days: not raw USD (units bug?)`)
  }
  return days
}

/**
 * Farside-style flow tables are in US$m with accounting negatives ("(123.4)" is −123.4 US$m);
 * dashes and blanks are days without a report, not zero flows.
 */
export function parseFarsideCell(cell: string, column: string): number | null {
  const millions = parseAmount(cell, 'farside', column)
  return millions === null ? null : millions * 1e6
}

export interface EtfFlowsAdapterOptions extends HttpAdapterOptions {
  readonly apiKeyPresent: boolean
}

/**
 * SoSoValue's US spot-ETF daily flows and net assets (about the last 300 trading days). Late
 * issuers revise the latest day, so each load re-reads the whole chart and upserts it.
 */
export function createEtfFlowsAdapter(options: EtfFlowsAdapterOptions): RealSourceAdapter {
  const { http } = options
  const now = options.now ?? Date.now
  return {
    name: 'sosovalue',
    features: Object.keys(ETF_SERIES),
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      const series = ETF_SERIES[spec.id]
      if (!series) throw new SourceError(`sosovalue: no ETF series for feature ${spec.id}`, SOURCE, { field: 'featureId' })
      if (!options.apiKeyPresent) throw new SourceError(`${SOURCE}: SOSOVALUE_API_KEY is not set`, SOURCE, { field: 'x-soso-api-key' })
      const end = until ?? now()
      const start = since ?? end - DEFAULT_HISTORY_MS
      const fetched = await http.get(PATH, { method: 'POST', json: { type: series.type } })
      const evidence = [evidenceOf(`${SOURCE}:${series.type}`, fetched)]
      return parseEtfChart(fetched.body, series.field)
        .map(({ date, value }) => ({ ts: parseDay(date, SOURCE, 'date'), value }))
        .filter(({ ts }) => ts >= start && ts <= end)
        .map(({ ts, value }) => toPoint(spec.id, { ts, value, evidence }))
    },
  }
}
