import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import type { RealSourceAdapter } from '../source-adapter'
import { SourceError } from './source-errors'
import type { HttpAdapterOptions, SourceHttp } from './source-http'
import { arrayAt, dayOf, DEFAULT_HISTORY_MS, evidenceOf, parseAmount, parseDay, recordAt, scaled, toPoint } from './source-values'

/** Each feature's FRED series and the factor from FRED's unit to the catalog's. */
export const FRED_SERIES: Readonly<Record<string, { series: string; scale: number }>> = {
  'macro/us/walcl_total_usd': { series: 'WALCL', scale: 1e6 }, // millions of USD
  'macro/us/rrp_total_usd': { series: 'RRPONTSYD', scale: 1e9 }, // billions of USD
  'macro/us/hy_oas_bps': { series: 'BAMLH0A0HYM2', scale: 100 }, // percent → basis points
  'macro/us/ust_10y_yield_pct': { series: 'DGS10', scale: 1 }, // percent, as stored
}
/** TGA's weekly alternative: the Wednesday level in millions, aligned with WALCL. */
export const FRED_TGA = { featureId: 'macro/us/tga_balance_usd', series: 'WDTGAL', scale: 1e6 } as const

export interface FredObservation {
  readonly date: string
  readonly value: number | null
  readonly realtimeStart: string | undefined
}

export interface FredPage {
  readonly observations: FredObservation[]
  readonly count: number
  readonly offset: number
}

/**
 * One page of /fred/series/observations (file_type=json). Every value is a string and "." is
 * missing; the top-level `units` is a transformation ("lin"), not a unit, so it is ignored.
 */
export function parseFredPage(body: unknown, source: string): FredPage {
  const root = recordAt(body, source, 'body')
  const observations = arrayAt(root.observations, source, 'observations').map((raw, index) => {
    const row = recordAt(raw, source, `observations[${index}]`)
    parseDay(row.date, source, `observations[${index}].date`)
    return {
      date: row.date as string,
      value: parseAmount(row.value, source, `observations[${index}].value`),
      realtimeStart: typeof row.realtime_start === 'string' ? row.realtime_start : undefined,
    }
  })
  const count = parseAmount(root.count, source, 'count') ?? observations.length
  const offset = parseAmount(root.offset, source, 'offset') ?? 0
  return { observations, count, offset }
}

export interface FredAdapterOptions extends HttpAdapterOptions {
  readonly apiKey: string | undefined
  /** Serve macro/us/tga_balance_usd from WDTGAL (when Treasury DTS is not the TGA source). */
  readonly tga?: boolean
  /** Observations per request; FRED allows up to 100,000. */
  readonly pageSize?: number
}

/**
 * FRED series observations, following offset/limit/count pages. The request names no real-time
 * period, so FRED answers today's values and every `realtime_start` is the request's own day,
 * not a vintage: the points carry neither it nor a known_at (it would make each day's re-poll a
 * revision). Vintages (ALFRED's realtime_start/realtime_end) are a later adapter's job.
 */
export function createFredAdapter(options: FredAdapterOptions): RealSourceAdapter {
  const { http, apiKey, pageSize = 100_000 } = options
  const now = options.now ?? Date.now
  const series: Record<string, { series: string; scale: number }> = { ...FRED_SERIES, ...(options.tga ? { [FRED_TGA.featureId]: FRED_TGA } : {}) }

  const loadSeries = async (seriesId: string, since: number, until: number) => {
    if (!apiKey) throw new SourceError(`fred:${seriesId}: FRED_API_KEY is not set`, 'fred', { field: 'api_key' })
    const pages: Array<{ page: FredPage; fetched: Awaited<ReturnType<SourceHttp['get']>> }> = []
    for (let offset = 0; ; ) {
      const fetched = await http.get('fred/series/observations', {
        query: { series_id: seriesId, api_key: apiKey, file_type: 'json', observation_start: dayOf(since), observation_end: dayOf(until), sort_order: 'asc', limit: pageSize, offset },
      })
      const page = parseFredPage(fetched.body, `fred:${seriesId}`)
      pages.push({ page, fetched })
      offset += page.observations.length
      if (page.observations.length === 0 || offset >= page.count) return pages
    }
  }

  return {
    name: 'fred',
    features: Object.keys(series),
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      const entry = series[spec.id]
      if (!entry) throw new SourceError(`fred: no FRED series for feature ${spec.id}`, 'fred', { field: 'series_id' })
      const end = until ?? now()
      const start = since ?? end - DEFAULT_HISTORY_MS
      const source = `fred:${entry.series}`
      const points: PublishPoint[] = []
      for (const { page, fetched } of await loadSeries(entry.series, start, end)) {
        for (const observation of page.observations) {
          if (observation.value === null) continue
          const ts = parseDay(observation.date, source, 'date')
          if (ts < start || ts > end) continue
          points.push(
            toPoint(spec.id, {
              ts,
              value: scaled(observation.value, entry.scale),
              evidence: [evidenceOf(source, fetched)],
            }),
          )
        }
      }
      return points.sort((a, b) => a.ts.localeCompare(b.ts))
    },
  }
}
