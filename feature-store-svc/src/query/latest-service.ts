import { FeatureNotFoundError, NoDataError } from '@lav/shared'
import type { ReadConsistency } from '@lav/shared/contracts'
import type { LatestCache } from '../cache/latest-cache'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { ValuesRepository } from '../storage/values-repository'
import { latestJson, pointJsonPrefix } from './point-view'
import { requirePast } from './query-service'

export interface LatestDeps {
  catalog: Pick<CatalogSnapshot, 'find'>
  values: Pick<ValuesRepository, 'latest'>
  cache: LatestCache
  now?: () => number
}

/** What a latest read asks: as of an instant (epoch ms; knowledge time), or how fresh a current read must be. */
export type LatestOptions = { asOf?: number; consistency?: ReadConsistency }

/** The LatestPoint as JSON text. */
export type LatestFn = (featureId: string, options?: LatestOptions) => Promise<string>

/**
 * Read-through: the near-cache (unless `strong`), then Redis, then PostgreSQL on a miss or when
 * Redis fails, and the cache is filled. A feature without points (NO_DATA) is not cached: it
 * costs a Redis miss and a PostgreSQL read, as before the near-cache.
 * Answers the LatestPoint as JSON text, `stale` and `age_ms` computed now. An as-of read goes to
 * PostgreSQL (both caches hold current versions only), `stale` and `age_ms` as of that instant.
 */
export function createLatestService(deps: LatestDeps): LatestFn {
  const now = deps.now ?? Date.now
  return async (featureId, { asOf, consistency } = {}) => {
    const spec = await deps.catalog.find(featureId)
    if (!spec) throw new FeatureNotFoundError(featureId)
    if (asOf !== undefined) {
      const [known] = await deps.values.latest([featureId], requirePast(asOf, now()))
      if (!known) throw new NoDataError(featureId)
      return latestJson(pointJsonPrefix(known), known.ts, spec, asOf)
    }
    const cached = await deps.cache.get(featureId, consistency)
    if (cached) return latestJson(cached.prefix, cached.ts, spec, now())
    const [row] = await deps.values.latest([featureId])
    if (!row) throw new NoDataError(featureId)
    await deps.cache.offer([row])
    return latestJson(pointJsonPrefix(row), row.ts, spec, now())
  }
}
