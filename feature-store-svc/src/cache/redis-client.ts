import { Redis } from 'ioredis'

/**
 * A cache client that fails fast: no offline queue, one retry, a command timeout. When Redis is
 * down or slow, callers fall back to PostgreSQL instead of waiting on it.
 */
export function createCacheRedis(url: string, commandTimeoutMs: number, keyPrefix?: string): Redis {
  return new Redis(url, {
    keyPrefix,
    connectTimeout: 1_000,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
    // Commands issued in the same tick share one write: under load, one syscall per batch, not per read.
    enableAutoPipelining: true,
  })
}
