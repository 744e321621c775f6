import { createBaseApp, type ZodApp } from '@lav/shared'
import type { FeatureStoreClient } from '@lav/shared/sdk'
import type { FastifyBaseLogger } from 'fastify'
import type { Registry } from 'prom-client'
import type { LiquidityConfig } from './config'
import { createRegimeMetrics } from './evaluation/regime-metrics'
import { createRegimeService } from './evaluation/regime-service'
import { createFeatureSource } from './feeds/feature-source'
import { boardRoutes } from './routes/board-routes'
import { healthRoutes } from './routes/health-routes'
import { instantQuerySchemas } from './routes/instant-query'
import { regimeRoutes } from './routes/regime-routes'
import type { Feed } from './signals/types'

export const API_PREFIX = '/api/liquidity/v1'

export interface AppDeps {
  config: Pick<LiquidityConfig, 'auth' | 'method' | 'cacheTtlMs' | 'catalogTtlMs' | 'asOfToleranceMs' | 'historyMaxInstants'>
  /** The SDK client for feature-store-svc, already holding the service token and the timeout. */
  featureStore: Pick<FeatureStoreClient, 'query' | 'catalog'>
  feeds: readonly Feed[]
  registry: Registry
  logger?: FastifyBaseLogger | { level: string } | false
  now?: () => number
  defaultMetrics?: boolean
}

/** Builds the liquidity service's HTTP app, not listening. */
export async function buildApp(deps: AppDeps): Promise<ZodApp> {
  const now = deps.now ?? Date.now
  const app = await createBaseApp({
    auth: deps.config.auth,
    registry: deps.registry,
    logger: deps.logger,
    defaultMetrics: deps.defaultMetrics,
    openapi: { title: 'LAV liquidity regime', version: '1', description: 'The Semáforo LAV PLUS: GL/CN/MP components, LAV_LIQ_SCORE, the confirmed regime, scoreboard and advisory hints' },
  })
  // The gauges read the live regime at scrape time; the service reports durations to the metrics.
  const metrics = createRegimeMetrics({ registry: deps.registry, live: async () => (await regime.latest()).output })
  const source = createFeatureSource({ client: deps.featureStore, feeds: deps.feeds, catalogTtlMs: deps.config.catalogTtlMs, now, onFailure: metrics.fetchFailed })
  const regime = createRegimeService({ source, feeds: deps.feeds, params: deps.config.method, cacheTtlMs: deps.config.cacheTtlMs, now, onEvaluated: metrics.evaluated })
  const queries = instantQuerySchemas({ now, toleranceMs: deps.config.asOfToleranceMs, maxInstants: deps.config.historyMaxInstants })

  await app.register(healthRoutes, { source })
  await app.register(
    async (api: ZodApp) => {
      await regimeRoutes(api, { regime, queries, now })
      await boardRoutes(api, { regime, queries })
    },
    { prefix: API_PREFIX },
  )
  return app
}
