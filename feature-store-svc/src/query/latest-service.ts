import { FeatureNotFoundError, NoDataError } from '@lav/shared'
import type { LatestPoint } from '@lav/shared/contracts'
import type { LatestCache } from '../cache/latest-cache'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { ValuesRepository } from '../storage/values-repository'
import { toLatestPoint } from './point-view'

export interface LatestDeps {
  catalog: Pick<CatalogSnapshot, 'find'>
  values: Pick<ValuesRepository, 'latest'>
  cache: LatestCache
  now?: () => number
}

/** Read-through: Redis first, PostgreSQL on a miss or when Redis fails, then the cache is filled. */
export function createLatestService(deps: LatestDeps): (featureId: string) => Promise<LatestPoint> {
  const now = deps.now ?? Date.now
  return async (featureId) => {
    const spec = await deps.catalog.find(featureId)
    if (!spec) throw new FeatureNotFoundError(featureId)
    let row = await deps.cache.get(featureId)
    if (!row) {
      ;[row] = await deps.values.latest([featureId])
      if (!row) throw new NoDataError(featureId)
      await deps.cache.offer([row])
    }
    return toLatestPoint(row, spec, now())
  }
}
