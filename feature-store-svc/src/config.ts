import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { AuthConfigSchema, envNumber, envPort, envPositiveInt, envRatio, loadConfig, LOG_LEVELS, toAuthConfig, type AuthConfig, type Env } from '@lav/shared/config'
import { isKnownTimeZone } from '@lav/shared/contracts'

const DEFAULT_CATALOG = fileURLToPath(new URL('../registry/features.catalog.json', import.meta.url))

const FeatureStoreEnvSchema = z.object({
  FEATURE_STORE_HOST: z.string().default('127.0.0.1'),
  FEATURE_STORE_PORT: envPort(8081),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
  DATABASE_POOL_MAX: envPositiveInt(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
  FEATURE_STORE_CACHE_TIMEOUT_MS: envPositiveInt(100),
  FEATURE_STORE_PUBLISH_TIMEOUT_MS: envPositiveInt(8_000),
  FEATURE_STORE_CACHE_TTL_SECONDS: envPositiveInt(300),
  // How far a default read may lag a publish acknowledged by another replica; 0 turns the near-cache off.
  FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  FEATURE_STORE_PG_PARTITION_DAYS: envPositiveInt(7),
  FEATURE_STORE_TZ: z.string().refine(isKnownTimeZone, 'unknown IANA time zone').default('America/Mexico_City'),
  FEATURE_STORE_CATALOG_PATH: z.string().default(DEFAULT_CATALOG),
  FEATURE_STORE_PUBLISH_BODY_LIMIT_BYTES: envPositiveInt(32 * 1024 * 1024),
  FEATURE_DQ_COVERAGE_MIN: envRatio(0.8),
  FEATURE_DQ_FRESHNESS_MAX_RATIO: envNumber(1.5),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
})

export interface FeatureStoreConfig {
  host: string
  port: number
  databaseUrl: string
  databasePoolMax: number
  redisUrl?: string
  cacheTimeoutMs: number
  cacheTtlSeconds: number
  nearCacheMaxAgeMs: number
  /** A publish PostgreSQL does not finish in this long answers 503 (below the gateway's 10 s). */
  publishTimeoutMs: number
  partitionDaysAhead: number
  timeZone: string
  catalogPath: string
  publishBodyLimit: number
  dqCoverageMin: number
  dqFreshnessMaxRatio: number
  logLevel: string
  auth: AuthConfig
}

export function loadFeatureStoreConfig(env: Env): Readonly<FeatureStoreConfig> {
  const parsed = loadConfig(FeatureStoreEnvSchema.and(AuthConfigSchema), env)
  return Object.freeze({
    host: parsed.FEATURE_STORE_HOST,
    port: parsed.FEATURE_STORE_PORT,
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    redisUrl: parsed.REDIS_URL,
    cacheTimeoutMs: parsed.FEATURE_STORE_CACHE_TIMEOUT_MS,
    cacheTtlSeconds: parsed.FEATURE_STORE_CACHE_TTL_SECONDS,
    nearCacheMaxAgeMs: parsed.FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS,
    publishTimeoutMs: parsed.FEATURE_STORE_PUBLISH_TIMEOUT_MS,
    partitionDaysAhead: parsed.FEATURE_STORE_PG_PARTITION_DAYS,
    timeZone: parsed.FEATURE_STORE_TZ,
    catalogPath: parsed.FEATURE_STORE_CATALOG_PATH,
    publishBodyLimit: parsed.FEATURE_STORE_PUBLISH_BODY_LIMIT_BYTES,
    dqCoverageMin: parsed.FEATURE_DQ_COVERAGE_MIN,
    dqFreshnessMaxRatio: parsed.FEATURE_DQ_FRESHNESS_MAX_RATIO,
    logLevel: parsed.LOG_LEVEL,
    auth: Object.freeze(toAuthConfig(parsed)),
  })
}
