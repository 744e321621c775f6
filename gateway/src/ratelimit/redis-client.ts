import { Redis } from 'ioredis'

/** Rate-limit client as @fastify/rate-limit advises: fail fast, never queue while Redis is away. */
export function createRateLimitRedis(url: string, commandTimeoutMs: number, keyPrefix?: string): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    connectTimeout: 1_000,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  })
  redis.on('error', () => {}) // counted in gateway_ratelimit_bypass_total and shown by /readyz
  return redis
}
