import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { DAY_MS } from '@lav/shared/time'
import type { RealSourceAdapter } from '../source-adapter'
import { formatError, SourceError } from './source-errors'
import type { HttpAdapterOptions } from './source-http'
import { arrayAt, DEFAULT_HISTORY_MS, evidenceOf, parseAmount, recordAt, startOfDay, toPoint } from './source-values'

export const STABLES_YOY = 'crypto/stables/mcap_total_usd_yoy'
export const STABLES_SUPPLY = 'crypto/stables/supply_total_usd'
const SOURCE = 'defillama:stablecoincharts'
const YEAR_MS = 365 * DAY_MS

export interface DailyLevel {
  readonly ts: number
  readonly usd: number
}

/**
 * /stablecoincharts/all as daily USD levels, ascending. `date` is a string of unix seconds;
 * peg keys vary per row, so only totalCirculatingUSD.peggedUSD is read, and a row without it
 * is skipped rather than read as 0. A row dated today (UTC) is a partial day and is dropped.
 */
export function parseStablecoinChart(body: unknown, fetchedAt: number): DailyLevel[] {
  const today = startOfDay(fetchedAt)
  const levels = arrayAt(body, SOURCE, 'body').flatMap((raw, index) => {
    const row = recordAt(raw, SOURCE, `[${index}]`)
    const seconds = parseAmount(row.date, SOURCE, `[${index}].date`)
    if (seconds === null) throw formatError(SOURCE, `[${index}].date`, 'is missing')
    const circulating = row.totalCirculatingUSD
    if (circulating === null || typeof circulating !== 'object') return []
    const usd = parseAmount((circulating as Record<string, unknown>).peggedUSD, SOURCE, `[${index}].totalCirculatingUSD.peggedUSD`)
    const ts = startOfDay(seconds * 1000)
    return usd === null || ts >= today ? [] : [{ ts, usd }]
  })
  return levels.sort((a, b) => a.ts - b.ts)
}

/** v(t)/v(t − 365 d) − 1 for each day whose level a year earlier is known. */
export function yearOverYear(levels: readonly DailyLevel[]): Array<DailyLevel & { base: number; ratio: number }> {
  const byDay = new Map(levels.map((level) => [level.ts, level.usd]))
  return levels.flatMap((level) => {
    const base = byDay.get(level.ts - YEAR_MS)
    return base === undefined || base <= 0 ? [] : [{ ...level, base, ratio: level.usd / base - 1 }]
  })
}

/** DefiLlama stablecoins (no key): the total USD supply and its year-over-year ratio. */
export function createStablecoinsAdapter(options: HttpAdapterOptions): RealSourceAdapter {
  const { http } = options
  const now = options.now ?? Date.now
  return {
    name: 'defillama-stablecoins',
    features: [STABLES_YOY, STABLES_SUPPLY],
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      if (spec.id !== STABLES_YOY && spec.id !== STABLES_SUPPLY) {
        throw new SourceError(`defillama-stablecoins: no series for feature ${spec.id}`, SOURCE, { field: 'featureId' })
      }
      const end = until ?? now()
      const start = since ?? end - DEFAULT_HISTORY_MS
      const fetched = await http.get('stablecoincharts/all')
      const levels = parseStablecoinChart(fetched.body, Date.parse(fetched.fetchedAt))
      const evidence = [evidenceOf(SOURCE, fetched)]
      const inRange = (ts: number) => ts >= start && ts <= end
      if (spec.id === STABLES_SUPPLY) {
        return levels.filter(({ ts }) => inRange(ts)).map(({ ts, usd }) => toPoint(spec.id, { ts, value: usd, evidence }))
      }
      return yearOverYear(levels)
        .filter(({ ts }) => inRange(ts))
        .map(({ ts, usd, base, ratio }) => toPoint(spec.id, { ts, value: ratio, evidence, meta: { level_usd: usd, base_level_usd: base } }))
    },
  }
}
