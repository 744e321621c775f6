import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ZodApp } from '@lav/shared'
import { FeatureSpecInputSchema, type FeatureSpec } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import { Registry } from 'prom-client'
import { CATALOG_PATH, TEST_AUTH, signToken } from '@lav/feature-store-svc/testing'
import { buildApp, type AppDeps } from '../src/app'
import { loadLiquidityConfig } from '../src/config'
import { loadFeedsFile } from '../src/feeds/feeds-file'
import { createServiceTokenProvider } from '../src/feeds/service-token'

export { TEST_AUTH, signToken }
export const API = '/api/liquidity/v1'
export const bearer = (scope: string, sub = 'tester') => ({ authorization: `Bearer ${signToken({ sub, scope })}` })

export const FEEDS = loadFeedsFile(fileURLToPath(new URL('../feeds/liquidity.feeds.json', import.meta.url)))
/** The method's defaults, as a service started without LIQ_* variables has them. */
export const CONFIG = loadLiquidityConfig({ JWT_SECRET: TEST_AUTH.secret })
export const PARAMS = CONFIG.method

/** The catalog feature-store-svc seeds itself with: ttl and expected range of every feed. */
export const CATALOG: FeatureSpec[] = (JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as unknown[]).map((entry) => ({ ...FeatureSpecInputSchema.parse(entry), version: 1 }))
export const LIQUIDITY_SPECS = FEEDS.map((feed) => CATALOG.find((spec) => spec.id === feed.featureId) as FeatureSpec)

export interface LiquidityOptions {
  storeUrl: string
  timeoutMs?: number
  now?: () => number
  config?: Partial<AppDeps['config']>
}

/** liquidity-svc as server.ts builds it, reading the store at `storeUrl` through the SDK with its own token. */
export async function buildLiquidity(options: LiquidityOptions): Promise<{ app: ZodApp; registry: Registry }> {
  const featureStore = createFeatureStoreClient({
    baseUrl: options.storeUrl,
    tokenProvider: createServiceTokenProvider({ auth: TEST_AUTH, ttlSeconds: 900 }),
    timeoutMs: options.timeoutMs ?? CONFIG.featureStoreTimeoutMs,
    retries: 0,
  })
  const registry = new Registry()
  const app = await buildApp({
    config: { ...CONFIG, ...options.config },
    featureStore,
    feeds: FEEDS,
    registry,
    logger: process.env.TEST_LOG ? { level: 'error' } : false,
    now: options.now,
    defaultMetrics: false,
  })
  return { app, registry }
}
