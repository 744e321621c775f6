import { createBaseApp, type ZodApp } from '@lav/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import type { Database } from '@lav/values-db'
import { healthRoutes } from './routes/health-routes'
import type { ObjectStore } from './s3/object-store'

export interface AppDeps {
  sql: Database
  redis?: Redis
  objects: Pick<ObjectStore, 'ping'>
  /** The registry the export metrics are on; served at /metrics. */
  registry: Registry
  logger?: FastifyBaseLogger | { level: string } | false
  defaultMetrics?: boolean
}

/**
 * The worker's HTTP side, not listening: /healthz, /readyz, /metrics. No route takes a token,
 * so no auth plugin. The jobs run beside it (server.ts), not behind it.
 */
export async function buildApp(deps: AppDeps): Promise<ZodApp> {
  const app = await createBaseApp({ registry: deps.registry, logger: deps.logger, defaultMetrics: deps.defaultMetrics })
  await app.register(healthRoutes, { sql: deps.sql, redis: deps.redis, objects: deps.objects })
  return app
}
