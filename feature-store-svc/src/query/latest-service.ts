import { FeatureNotFoundError, NoDataError } from '@lav/shared'
import type { LatestCache } from '../cache/latest-cache'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { ValuesRepository } from '../storage/values-repository'
import { latestJson, pointJsonPrefix } from './point-view'

export interface LatestDeps {
  catalog: Pick<CatalogSnapshot, 'find'>
  values: Pick<ValuesRepository, 'latest'>
  cache: LatestCache
  now?: () => number
}

/** The LatestPoint as JSON text; `asOf` (epoch ms) asks what the store knew then. */
export type LatestFn = (featureId: string, asOf?: number) => Promise<string>

/**
 * Read-through: Redis first, PostgreSQL on a miss or when Redis fails, then the cache is filled.
 * Answers the LatestPoint as JSON text, `stale` and `age_ms` computed now. An as-of read goes to
 * PostgreSQL (the cache holds only current versions), `stale` and `age_ms` as of that instant.
 */
export function createLatestService(deps: LatestDeps): LatestFn {
  const now = deps.now ?? Date.now
  return async (featureId, asOf) => {
    const spec = await deps.catalog.find(featureId)
    if (!spec) throw new FeatureNotFoundError(featureId)
    if (asOf !== undefined) {
      const [known] = await deps.values.latest([featureId], asOf)
      if (!known) throw new NoDataError(featureId)
      return latestJson(pointJsonPrefix(known), known.ts, spec, asOf)
    }
    const cached = await deps.cache.get(featureId)
    if (cached) return latestJson(cached.prefix, cached.ts, spec, now())
    const [row] = await deps.values.latest([featureId])
    if (!row) throw new NoDataError(featureId)
    await deps.cache.offer([row])
    return latestJson(pointJsonPrefix(row), row.ts, spec, now())
  }
}
