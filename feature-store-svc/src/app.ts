import { createBaseApp, type ZodApp } from '@lav/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import { createLatestCache } from './cache/latest-cache'
import type { FeatureStoreConfig } from './config'
import { createDqService } from './dq/dq-service'
import { createPublishService } from './publish/publish-service'
import { createLatestService } from './query/latest-service'
import { createQueryService } from './query/query-service'
import { createCatalogRepository } from './registry/catalog-repository'
import { createCatalogSnapshot } from './registry/catalog-snapshot'
import { catalogRoutes } from './routes/catalog-routes'
import { dqRoutes } from './routes/dq-routes'
import { healthRoutes } from './routes/health-routes'
import { valuesRoutes } from './routes/values-routes'
import { createPartitionManager, type Database } from '@lav/values-db'
import { createValuesRepository } from './storage/values-repository'

export const API_PREFIX = '/api/features/v1'

export interface AppDeps {
  config: Pick<FeatureStoreConfig, 'auth' | 'cacheTtlSeconds' | 'nearCacheMaxAgeMs' | 'publishBodyLimit' | 'publishTimeoutMs' | 'timeZone' | 'dqCoverageMin' | 'dqFreshnessMaxRatio'>
  sql: Database
  redis?: Redis
  registry: Registry
  logger?: FastifyBaseLogger | { level: string } | false
  now?: () => number
  /** Monotonic ms for the near-cache's age bound; tests move it by hand. */
  clock?: () => number
  defaultMetrics?: boolean
}

/** Builds the feature store's HTTP app, not listening. Migrations and seeding happen before, in server.ts. */
export async function buildApp(deps: AppDeps): Promise<ZodApp> {
  const app = await createBaseApp({
    auth: deps.config.auth,
    registry: deps.registry,
    logger: deps.logger,
    defaultMetrics: deps.defaultMetrics,
    openapi: { title: 'LAV feature store', version: '1', description: 'Catalog, publish, latest, query and data quality of financial time series' },
  })
  const catalogRepository = createCatalogRepository(deps.sql)
  const catalog = createCatalogSnapshot(catalogRepository)
  const values = createValuesRepository(deps.sql)
  const cache = createLatestCache({
    redis: deps.redis,
    registry: deps.registry,
    log: app.log,
    ttlSeconds: deps.config.cacheTtlSeconds,
    reload: (ids) => values.latest(ids),
    nearCacheMaxAgeMs: deps.config.nearCacheMaxAgeMs,
    clock: deps.clock,
  })
  app.addHook('onClose', async () => cache.close())
  const partitions = createPartitionManager(deps.sql)

  await app.register(healthRoutes, { sql: deps.sql, redis: deps.redis })
  await app.register(
    async (api: ZodApp) => {
      await catalogRoutes(api, { repository: catalogRepository, onChange: catalog.invalidate })
      await valuesRoutes(api, {
        latest: createLatestService({ catalog, values, cache, now: deps.now }),
        query: createQueryService({ catalog, values, sql: deps.sql, defaultTimeZone: deps.config.timeZone, now: deps.now }),
        publish: createPublishService({ catalog, values, partitions, cache, registry: deps.registry, log: app.log, now: deps.now, writeTimeoutMs: deps.config.publishTimeoutMs }),
        publishBodyLimit: deps.config.publishBodyLimit,
        registry: deps.registry,
      })
      await dqRoutes(api, {
        dq: createDqService({ catalog, values, registry: deps.registry, coverageMin: deps.config.dqCoverageMin, freshnessMaxRatio: deps.config.dqFreshnessMaxRatio, now: deps.now, log: app.log }),
      })
    },
    { prefix: API_PREFIX },
  )
  return app
}
