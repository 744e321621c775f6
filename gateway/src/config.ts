import { z } from 'zod'
import { AuthConfigSchema, envBoolean, envPort, envPositiveInt, envRatio, loadConfig, LOG_LEVELS, toAuthConfig, type AuthConfig, type Env } from '@lav/shared/config'

const GatewayEnvSchema = z.object({
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: envPort(8080),
  FEATURE_STORE_URL: z.url().default('http://127.0.0.1:8081'),
  LIQUIDITY_URL: z.url().default('http://127.0.0.1:8082'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
  FEATURE_API_RATE_LIMIT_RPM: envPositiveInt(1000),
  GATEWAY_RATE_LIMIT_REDIS_TIMEOUT_MS: envPositiveInt(500),
  GATEWAY_UPSTREAM_TIMEOUT_MS: envPositiveInt(10_000),
  GATEWAY_BREAKER_WINDOW_MS: envPositiveInt(60_000),
  GATEWAY_BREAKER_MIN_REQUESTS: envPositiveInt(20),
  GATEWAY_BREAKER_FAILURE_RATIO: envRatio(0.1),
  GATEWAY_BREAKER_OPEN_MS: envPositiveInt(30_000),
  GATEWAY_TRUST_PROXY: envBoolean(false),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
})

export interface BreakerConfig {
  windowMs: number
  minRequests: number
  failureRatio: number
  openMs: number
}

export interface GatewayConfig {
  host: string
  port: number
  upstreams: { features: string; liquidity: string }
  redisUrl?: string
  rateLimitPerMinute: number
  rateLimitRedisTimeoutMs: number
  upstreamTimeoutMs: number
  breaker: BreakerConfig
  trustProxy: boolean
  logLevel: string
  auth: AuthConfig
}

export function loadGatewayConfig(env: Env): Readonly<GatewayConfig> {
  const parsed = loadConfig(GatewayEnvSchema.and(AuthConfigSchema), env)
  return Object.freeze({
    host: parsed.GATEWAY_HOST,
    port: parsed.GATEWAY_PORT,
    upstreams: { features: parsed.FEATURE_STORE_URL, liquidity: parsed.LIQUIDITY_URL },
    redisUrl: parsed.REDIS_URL,
    rateLimitPerMinute: parsed.FEATURE_API_RATE_LIMIT_RPM,
    rateLimitRedisTimeoutMs: parsed.GATEWAY_RATE_LIMIT_REDIS_TIMEOUT_MS,
    upstreamTimeoutMs: parsed.GATEWAY_UPSTREAM_TIMEOUT_MS,
    breaker: {
      windowMs: parsed.GATEWAY_BREAKER_WINDOW_MS,
      minRequests: parsed.GATEWAY_BREAKER_MIN_REQUESTS,
      failureRatio: parsed.GATEWAY_BREAKER_FAILURE_RATIO,
      openMs: parsed.GATEWAY_BREAKER_OPEN_MS,
    },
    trustProxy: parsed.GATEWAY_TRUST_PROXY,
    logLevel: parsed.LOG_LEVEL,
    auth: Object.freeze(toAuthConfig(parsed)),
  })
}
