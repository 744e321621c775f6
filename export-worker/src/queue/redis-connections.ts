import { Redis } from 'ioredis'

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000)

/**
 * For the Queue (adding and scheduling jobs) and /readyz: with no offline queue a command fails
 * at once while Redis is down instead of waiting for it, as BullMQ's production guide advises.
 */
export function createProducerRedis(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy })
}

/** For the Worker: its blocking commands must wait out a Redis restart, so BullMQ requires null. */
export function createWorkerRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy })
}
