import { createFeatureStoreClient } from '@lav/shared/sdk'
import type { FeatureSpec } from '@lav/shared/contracts'
import { backfill, backfillableSpecs, type BackfillTotals } from './backfill'
import { createRealSources, type RealSourcesDeps, type SourceName } from './real-sources'
import { createResilientLoader } from './resilient-loader'
import { createShadowFeed, logLoaderEvents, type ShadowFeed, type ShadowLog } from './shadow-feed'
import type { SourceAdapter } from './source-adapter'
import type { SourcesConfig } from './sources-config'

export interface ShadowStartOptions {
  baseUrl: string
  tokenProvider: () => string
  sources: SourcesConfig
  log: ShadowLog
  deps?: RealSourcesDeps
  /** The clock of the polls (tests); the adapters' clock comes with `deps`. */
  now?: () => number
}

/**
 * ORACLE_SOURCE_MODE=shadow: real sources on each feature's cadence, one resilient loader (retry
 * + circuit breaker) per source, published through the store's API like any client.
 */
export async function startShadowFeed({ baseUrl, tokenProvider, sources, log, deps, now }: ShadowStartOptions): Promise<ShadowFeed> {
  const client = createFeatureStoreClient({ baseUrl, tokenProvider, timeoutMs: 30_000, userAgent: 'lav-shadow-feed' })
  const real = createRealSources(sources, deps)
  const loaders = new Map<string, SourceAdapter>()
  const adapterFor = (spec: FeatureSpec) => {
    const adapter = real.adapterFor(spec)
    if (!adapter) return undefined
    if (!loaders.has(adapter.name)) loaders.set(adapter.name, createResilientLoader(adapter, { onEvent: logLoaderEvents(log) }))
    return loaders.get(adapter.name)
  }
  const feed = createShadowFeed({
    specs: await client.catalog(),
    adapterFor,
    publish: (points) => client.publish(points, { retryPublish: true }),
    pollMaxMs: sources.shadowPollMaxMs,
    log,
    now,
  })
  feed.start()
  return feed
}

export interface SourceBackfillOptions {
  baseUrl: string
  token: string
  source: SourceName
  since: number
  until: number
  sources: SourcesConfig
  log?: (message: string) => void
  deps?: RealSourcesDeps
}

/** `npm run backfill -- --source NAME --since DAY`: that source's features, through the store's API. */
export async function runSourceBackfill(options: SourceBackfillOptions): Promise<BackfillTotals> {
  const { baseUrl, token, source, since, until, sources, log, deps } = options
  const client = createFeatureStoreClient({ baseUrl, token, timeoutMs: 60_000, userAgent: 'lav-backfill' })
  const adapter = createResilientLoader(createRealSources(sources, deps).adapters[source])
  const served = new Set(adapter.features)
  const specs = backfillableSpecs(await client.catalog()).filter((spec) => served.has(spec.id))
  return backfill({
    specs,
    adapter,
    publish: (points) => client.publish(points, { retryPublish: true }),
    since,
    now: until,
    log: log ? { info: (details, message) => log(`${message} ${JSON.stringify(details)}`) } : undefined,
  })
}
