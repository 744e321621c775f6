import type { Evidence, FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { HOUR_MS } from '@lav/shared/time'
import type { RealSourceAdapter } from '../source-adapter'
import { SourceError } from './source-errors'
import type { SourceHttp } from './source-http'
import { BOOK_REQUESTS, depthWithin, parseBook, type Asset, type Venue } from './order-books'
import { evidenceOf, inWindow, toPoint } from './source-values'

export const DEPTH_FEATURE = 'cex/agg/spot_depth_2pct_usd'
const ASSETS: readonly Asset[] = ['BTC', 'ETH']
const BAND = 0.02

export interface CexDepthAdapterOptions {
  /** One HTTP client per venue to read (CEX_DEPTH_VENUES). */
  readonly venues: Partial<Record<Venue, SourceHttp>>
  readonly now?: () => number
}

/**
 * BTC and ETH ±2 % spot depth in USD summed over the configured venues. A snapshot: the point's
 * ts is the fetch time truncated to the hour, and a load whose window does not contain that
 * hour returns nothing (order books have no history to backfill). Truncated books still count,
 * as a lower bound, but are named in meta.truncated and lower the confidence.
 */
export function createCexDepthAdapter(options: CexDepthAdapterOptions): RealSourceAdapter {
  const now = options.now ?? Date.now
  const venues = Object.entries(options.venues) as Array<[Venue, SourceHttp]>
  return {
    name: 'cex-depth',
    features: [DEPTH_FEATURE],
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      if (spec.id !== DEPTH_FEATURE) throw new SourceError(`cex-depth: no depth series for feature ${spec.id}`, 'cex-depth', { field: 'featureId' })
      if (venues.length === 0) throw new SourceError('cex-depth: no venue configured (CEX_DEPTH_VENUES)', 'cex-depth', { field: 'venues' })
      const ts = Math.floor(now() / HOUR_MS) * HOUR_MS
      if (!inWindow(ts, since, until)) return []
      const books: Record<string, number> = {}
      const truncated: string[] = []
      const evidence: Evidence[] = []
      for (const [venue, http] of venues) {
        for (const asset of ASSETS) {
          const request = BOOK_REQUESTS[venue](asset)
          const fetched = await http.get(request.path, { query: request.query })
          const name = `${venue}:${request.market}`
          const depth = depthWithin(parseBook(venue, fetched.body), BAND, `${venue}:depth`)
          books[name] = depth.usd
          if (!depth.complete) truncated.push(name)
          evidence.push(evidenceOf(`${venue}:depth:${request.market}`, fetched))
        }
      }
      const total = Object.values(books).reduce((sum, usd) => sum + usd, 0)
      const count = Object.keys(books).length
      const meta = truncated.length > 0 ? { books, truncated } : { books }
      return [toPoint(spec.id, { ts, value: total, evidence, meta, confidence: (count - truncated.length) / count })]
    },
  }
}
