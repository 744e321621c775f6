import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { AuthConfigSchema, envNumber, envPort, envPositiveInt, loadConfig, LOG_LEVELS, toAuthConfig, type AuthConfig, type Env } from '@lav/shared/config'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import type { MethodParams } from './signals/types'

const DEFAULT_FEEDS = fileURLToPath(new URL('../feeds/liquidity.feeds.json', import.meta.url))

/** "a,b,c" → finite numbers, for the list-valued LIQ_* variables. */
const numberList = (fallback: string, length: number, check: (values: number[]) => string | null) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const values = text.split(',').map((part) => Number(part.trim()))
      const problem = values.length !== length || values.some((value) => !Number.isFinite(value)) ? `expected ${length} comma-separated numbers` : check(values)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
      return values
    })

const envInt = (fallback: number, min: number) => z.coerce.number().int().min(min).default(fallback)

const LiquidityEnvSchema = z.object({
  LIQUIDITY_HOST: z.string().default('127.0.0.1'),
  LIQUIDITY_PORT: envPort(8082),
  FEATURE_STORE_URL: z.url().default('http://127.0.0.1:8081'),
  LIQUIDITY_SERVICE_TOKEN: z.string().optional(),
  LIQUIDITY_SERVICE_TOKEN_TTL_SECONDS: envInt(900, 120),
  // The answer is due within 2 s even when the store hangs: one attempt, bounded well below that.
  LIQUIDITY_FEATURE_STORE_TIMEOUT_MS: z.coerce.number().int().min(50).max(1800).default(1500),
  LIQUIDITY_CATALOG_TTL_SECONDS: envPositiveInt(300),
  LIQUIDITY_CACHE_TTL_SECONDS: envPositiveInt(30),
  LIQUIDITY_ASOF_TOLERANCE_SECONDS: envInt(60, 0),
  LIQUIDITY_HISTORY_MAX_INSTANTS: envPositiveInt(366),
  LIQUIDITY_FEEDS_PATH: z.string().default(DEFAULT_FEEDS),
  LIQ_SCORE_WEIGHTS: numberList('0.4,0.4,0.2', 3, (w) => (w.every((value) => value > 0) ? null : 'every weight must be > 0')),
  LIQ_SCORE_THRESHOLDS: numberList('0.8,-0.8', 2, ([hi, lo]) => ((hi as number) >= (lo as number) ? null : 'θ_hi must not be below θ_lo')),
  LIQ_SCORE_SMOOTHING_ALPHA: z.coerce.number().gt(0).max(1).default(0.2),
  LIQ_REGIME_FLIP_CONFIRMATION_HOURS: z.coerce.number().min(0).default(24),
  LIQ_ZSCORE_WINDOW_DAYS: z.coerce.number().positive().default(60),
  LIQ_ZSCORE_MIN_POINTS: envInt(8, 2),
  LIQ_EMA_WARMUP_DAYS: envInt(30, 0),
  LIQ_FLOW_WINDOW_DAYS: z.coerce.number().positive().default(7),
  LIQ_MIN_COMPONENTS: z.coerce.number().int().min(1).max(3).default(2),
  FEATURE_DQ_FRESHNESS_MAX_RATIO: envNumber(1.5).refine((ratio) => ratio > 0, 'must be > 0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
})

// The service reads the store with a token: a fixed one, or one it signs with the configured key.
const EnvSchema = LiquidityEnvSchema.and(AuthConfigSchema).refine(
  (env) => env.LIQUIDITY_SERVICE_TOKEN !== undefined || (env.JWT_PUBLIC_KEY ? env.JWT_PRIVATE_KEY : env.JWT_SECRET) !== undefined,
  { message: 'set LIQUIDITY_SERVICE_TOKEN, or JWT_PRIVATE_KEY next to JWT_PUBLIC_KEY, so the service can call the feature store', path: ['LIQUIDITY_SERVICE_TOKEN'] },
)

export interface LiquidityConfig {
  host: string
  port: number
  featureStoreUrl: string
  /** A fixed token for the feature store; without it the service mints its own. */
  serviceToken?: string
  serviceTokenTtlSeconds: number
  featureStoreTimeoutMs: number
  catalogTtlMs: number
  cacheTtlMs: number
  asOfToleranceMs: number
  historyMaxInstants: number
  feedsPath: string
  method: MethodParams
  logLevel: string
  auth: AuthConfig
}

export function loadLiquidityConfig(env: Env): Readonly<LiquidityConfig> {
  const parsed = loadConfig(EnvSchema, env)
  const auth = toAuthConfig(parsed)
  return Object.freeze({
    host: parsed.LIQUIDITY_HOST,
    port: parsed.LIQUIDITY_PORT,
    featureStoreUrl: parsed.FEATURE_STORE_URL,
    serviceToken: parsed.LIQUIDITY_SERVICE_TOKEN,
    serviceTokenTtlSeconds: parsed.LIQUIDITY_SERVICE_TOKEN_TTL_SECONDS,
    featureStoreTimeoutMs: parsed.LIQUIDITY_FEATURE_STORE_TIMEOUT_MS,
    catalogTtlMs: parsed.LIQUIDITY_CATALOG_TTL_SECONDS * 1000,
    cacheTtlMs: parsed.LIQUIDITY_CACHE_TTL_SECONDS * 1000,
    asOfToleranceMs: parsed.LIQUIDITY_ASOF_TOLERANCE_SECONDS * 1000,
    historyMaxInstants: parsed.LIQUIDITY_HISTORY_MAX_INSTANTS,
    feedsPath: parsed.LIQUIDITY_FEEDS_PATH,
    method: Object.freeze(methodParams(parsed)),
    logLevel: parsed.LOG_LEVEL,
    auth: Object.freeze(auth),
  })
}

function methodParams(parsed: z.infer<typeof LiquidityEnvSchema>): MethodParams {
  const [gl, cn, mp] = parsed.LIQ_SCORE_WEIGHTS as [number, number, number]
  const [hi, lo] = parsed.LIQ_SCORE_THRESHOLDS as [number, number]
  return {
    componentWeights: Object.freeze({ gl, cn, mp }),
    alpha: parsed.LIQ_SCORE_SMOOTHING_ALPHA,
    thetaHi: hi,
    thetaLo: lo,
    confirmationMs: parsed.LIQ_REGIME_FLIP_CONFIRMATION_HOURS * HOUR_MS,
    zWindowMs: parsed.LIQ_ZSCORE_WINDOW_DAYS * DAY_MS,
    zMinPoints: parsed.LIQ_ZSCORE_MIN_POINTS,
    warmupInstants: parsed.LIQ_EMA_WARMUP_DAYS,
    flowWindowMs: parsed.LIQ_FLOW_WINDOW_DAYS * DAY_MS,
    minComponents: parsed.LIQ_MIN_COMPONENTS,
    freshnessMaxRatio: parsed.FEATURE_DQ_FRESHNESS_MAX_RATIO,
  }
}
