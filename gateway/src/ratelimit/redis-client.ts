import { Redis } from 'ioredis'

/** Rate-limit client as @fastify/rate-limit advises: fail fast, never queue while Redis is away. */
export function createRateLimitRedis(url: string, commandTimeoutMs: number, keyPrefix?: string): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    connectTimeout: 1_000,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Concurrent requests' counter updates share one write instead of a syscall each.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  })
  redis.on('error', () => {}) // counted in gateway_ratelimit_bypass_total and shown by /readyz
  return redis
}

/**
 * Resolves once the client is connected, or after `timeoutMs` regardless: without an offline
 * queue, commands sent while connecting fail (and the limiter would fail open) for no reason.
 */
export async function whenConnected(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  if (redis.status === 'ready') return true
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    redis.once('ready', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}
