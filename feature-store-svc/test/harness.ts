import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTokenSigner, type ZodApp } from '@lav/shared'
import type { AuthConfig } from '@lav/shared/config'
import type { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { inject } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/database'
import { buildApp } from '../src/app'
import { createCacheRedis } from '../src/cache/redis-client'
import { createDatabase, type Database } from '@lav/values-db'
import { prepareStore } from '../src/startup'

export const TEST_AUTH: AuthConfig = {
  algorithm: 'HS256',
  secret: 'test-secret-for-the-feature-store-suite-0123456789',
  issuer: 'lav-oracle',
  audience: 'lav-api',
}

export const signToken = createTokenSigner(TEST_AUTH)
export const bearer = (scope: string, sub = 'tester') => ({ authorization: `Bearer ${signToken({ sub, scope })}` })
export const CATALOG_PATH = fileURLToPath(new URL('../registry/features.catalog.json', import.meta.url))

export interface RebuildOptions {
  redis?: Redis | null
  now?: () => number
  clock?: () => number
  config?: Partial<typeof testConfig>
}

export interface StoreHarness {
  app: ZodApp
  sql: Database
  redis: Redis | undefined
  registry: Registry
  database: TestDatabase
  rebuild(options?: RebuildOptions): Promise<ZodApp>
  close(): Promise<void>
}

export const testConfig = {
  auth: TEST_AUTH,
  cacheTtlSeconds: 300,
  nearCacheMaxAgeMs: 250,
  // Generous: on a loaded test machine a 10,000-point batch over 400 days of new partitions is
  // slow; the timeout's own test sets a short one.
  publishTimeoutMs: 30_000,
  publishBodyLimit: 32 * 1024 * 1024,
  timeZone: 'America/Mexico_City',
  dqCoverageMin: 0.8,
  dqFreshnessMaxRatio: 1.5,
}

/** A migrated, seeded store on a database of its own, with a Redis key prefix of its own. */
export async function startStore(options: { redisUrl?: string | null; now?: () => number } = {}): Promise<StoreHarness> {
  const database = await createTestDatabase()
  const sql = createDatabase(database.url, 10)
  await prepareStore(sql, { catalogPath: CATALOG_PATH, partitionDaysAhead: 2 })
  const redisUrl = options.redisUrl === null ? undefined : (options.redisUrl ?? inject('redisUrl'))
  const redis = redisUrl ? createCacheRedis(redisUrl, 200, `test:${randomUUID()}:`) : undefined
  redis?.on('error', () => {})
  const apps: ZodApp[] = []
  const build = async ({ redis: redisOverride, now, clock, config }: RebuildOptions) => {
    const registry = new Registry()
    const app = await buildApp({ config: { ...testConfig, ...config }, sql, redis: redisOverride === null ? undefined : (redisOverride ?? redis), registry, logger: process.env.TEST_LOG ? { level: "error" } : false, now, clock, defaultMetrics: false })
    apps.push(app)
    return { app, registry }
  }
  const first = await build({ now: options.now })
  return {
    app: first.app,
    sql,
    redis,
    registry: first.registry,
    database,
    rebuild: async (rebuildOptions = {}) => (await build(rebuildOptions)).app,
    close: async () => {
      for (const app of apps) await app.close()
      redis?.disconnect()
      await sql.end({ timeout: 5 })
      await database.drop()
    },
  }
}

export const WALCL = 'macro/us/walcl_total_usd'
export const DEPTH = 'cex/agg/spot_depth_2pct_usd'
export const BTC_FLOW = 'crypto/etf/btc_net_flow_usd'

export function point(featureId: string, ts: string, value: number, extra: Record<string, unknown> = {}) {
  return { featureId, ts, value, ...extra }
}
