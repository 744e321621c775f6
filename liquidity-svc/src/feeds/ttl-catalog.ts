import { FeatureStoreUnavailableError } from '@lav/shared'
import type { FeatureStoreClient } from '@lav/shared/sdk'

export interface TtlCatalogDeps {
  client: Pick<FeatureStoreClient, 'catalog'>
  featureIds: readonly string[]
  refreshMs: number
  now?: () => number
}

/**
 * Each feed's ttl_ms from the store's catalog, cached for `refreshMs`. Concurrent callers share
 * one catalog read; when a refresh fails the last known ttls are still used, since a ttl
 * changes rarely and the values query decides on its own whether the store is usable.
 */
export function createTtlCatalog(deps: TtlCatalogDeps) {
  const now = deps.now ?? Date.now
  let cached: { ttlMs: Map<string, number>; at: number } | undefined
  let inFlight: Promise<Map<string, number>> | undefined

  const read = async (correlationId?: string) => {
    const specs = await deps.client.catalog({}, { correlationId })
    const ttlMs = new Map(specs.filter((spec) => deps.featureIds.includes(spec.id)).map((spec) => [spec.id, spec.ttl_ms]))
    const absent = deps.featureIds.filter((id) => !ttlMs.has(id))
    if (absent.length > 0) throw new FeatureStoreUnavailableError(`the feature store's catalog lacks ${absent.join(', ')}`)
    cached = { ttlMs, at: now() }
    return ttlMs
  }
  const refresh = (correlationId?: string) => {
    inFlight ??= read(correlationId).finally(() => {
      inFlight = undefined
    })
    return inFlight
  }
  return {
    refresh,
    async get(correlationId?: string): Promise<Map<string, number>> {
      if (cached && now() - cached.at < deps.refreshMs) return cached.ttlMs
      try {
        return await refresh(correlationId)
      } catch (error) {
        if (cached) return cached.ttlMs
        throw error
      }
    },
  }
}
