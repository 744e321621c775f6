import { FeatureStoreUnavailableError } from '@lav/shared'
import { QUERY_MAX_LIMIT, type FeatureQueryResult } from '@lav/shared/contracts'
import { isFeatureStoreError, type FeatureStoreClient } from '@lav/shared/sdk'
import { toIso } from '@lav/shared/time'
import { fromColumns } from '../signals/series'
import type { EvaluationData, Feed, FeedSeries } from '../signals/types'
import { createTtlCatalog } from './ttl-catalog'

export interface FeatureSource {
  /**
   * Every feed's points with since ≤ ts ≤ until, in ONE POST /query, plus each feed's ttl_ms;
   * with `asOf` (epoch ms), as the store knew them at that instant.
   */
  load(window: { since: number; until: number }, correlationId?: string, asOf?: number): Promise<EvaluationData>
  /** For /readyz: the store answers an authenticated call (it refreshes the ttl cache too). */
  probe(): Promise<void>
}

export interface FeatureSourceDeps {
  client: Pick<FeatureStoreClient, 'query' | 'catalog'>
  feeds: readonly Feed[]
  catalogTtlMs: number
  now?: () => number
  /** Called with a short reason on every failed read: the fetch-failure counter. */
  onFailure?: (reason: string) => void
}

/**
 * Reads the feeds from feature-store-svc through the SDK. Whatever goes wrong there — refused,
 * slow, down, an answer cut short — becomes FEATURE_STORE_UNAVAILABLE (503) with the reason.
 */
export function createFeatureSource(deps: FeatureSourceDeps): FeatureSource {
  const featureIds = deps.feeds.map((feed) => feed.featureId)
  const ttls = createTtlCatalog({ client: deps.client, featureIds, refreshMs: deps.catalogTtlMs, now: deps.now })
  const fail = (error: unknown): never => {
    const reason = isFeatureStoreError(error) ? error.code : error instanceof FeatureStoreUnavailableError ? 'INCOMPLETE' : 'UNEXPECTED'
    deps.onFailure?.(reason)
    if (error instanceof FeatureStoreUnavailableError) throw error
    const detail = error instanceof Error ? error.message : String(error)
    throw new FeatureStoreUnavailableError(`the feature store did not provide the liquidity feeds: ${detail}`)
  }
  return {
    async load({ since, until }, correlationId, asOf) {
      const body = { featureIds, since: toIso(since), until: toIso(until), limit: QUERY_MAX_LIMIT, ...(asOf === undefined ? {} : { asOf: toIso(asOf) }) }
      try {
        // Both start at once, so a store that hangs costs one timeout, not two.
        const [ttlMs, results] = await Promise.all([ttls.get(correlationId), deps.client.query(body, { correlationId })])
        return { ttlMs, series: seriesFrom(results, featureIds) }
      } catch (error) {
        return fail(error)
      }
    },
    async probe() {
      await ttls.refresh().catch(fail)
    },
  }
}

function seriesFrom(results: FeatureQueryResult[], featureIds: string[]): Map<string, FeedSeries> {
  const series = new Map<string, FeedSeries>()
  for (const result of results) {
    // A cut answer would silently drop the newest points: an evaluation on it would be wrong.
    if (result.truncated) throw new FeatureStoreUnavailableError(`the feature store truncated ${result.featureId} at ${QUERY_MAX_LIMIT} points`)
    const ts = new Float64Array(result.points.length)
    const values = new Float64Array(result.points.length)
    result.points.forEach((point, i) => {
      ts[i] = Date.parse(point.ts)
      values[i] = point.value
    })
    series.set(result.featureId, fromColumns(ts, values))
  }
  const absent = featureIds.filter((id) => !series.has(id))
  if (absent.length > 0) throw new FeatureStoreUnavailableError(`the feature store answered without ${absent.join(', ')}`)
  return series
}
