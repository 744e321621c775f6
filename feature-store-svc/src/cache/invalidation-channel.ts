import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { Histogram, type Registry } from 'prom-client'
import type { NearCache } from './near-cache'

/** What the offer script publishes when it changes a feature's latest point in Redis. */
export interface InvalidationMessage {
  featureId: string
  /** Wall-clock ms when the write-through was sent: the lag histogram's start. */
  sentAt: number
}

export const invalidationMessage = (featureId: string, sentAt: number): string => JSON.stringify({ featureId, sentAt } satisfies InvalidationMessage)

/**
 * The channel's name. ioredis prefixes keys but not channels, so the client's key prefix is
 * added here: stores that share a Redis under different prefixes keep their channels apart.
 */
export const invalidationChannel = (redis: Redis, keyPrefix: string): string => `${redis.options.keyPrefix ?? ''}${keyPrefix}invalidations`

export interface InvalidationSubscriptionOptions {
  redis: Redis
  channel: string
  near: NearCache
  registry: Registry
  log: FastifyBaseLogger
}

/**
 * Subscribes a connection of its own to the channel and keeps the near-cache in step with it:
 * each message drops its feature; a closed connection drops everything (messages sent meanwhile
 * are lost), and the near-cache serves again only once SUBSCRIBE is confirmed on a new one.
 */
export function subscribeToInvalidations(options: InvalidationSubscriptionOptions): { close(): void } {
  const { channel, near, log } = options
  const lag = new Histogram({
    name: 'feature_near_cache_invalidation_lag_seconds',
    help: 'From the write-through of a publish (any replica) to its invalidation received here',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [options.registry],
  })
  // Resubscribing is ours to do: only then do we know when the near-cache may serve again.
  const subscriber = options.redis.duplicate({ autoResubscribe: false, enableAutoPipelining: false })
  subscriber.on('error', () => {}) // the cache client reports Redis failures; this one only resets
  let connection = 0
  let closed = false

  subscriber.on('ready', () => {
    const mine = ++connection
    subscriber.subscribe(channel).then(
      () => {
        if (mine === connection && !closed) near.resume()
      },
      (error: unknown) => {
        log.warn({ err: error }, 'near-cache: subscribing to invalidations failed; reconnecting')
        if (mine === connection && !closed) subscriber.disconnect(true)
      },
    )
  })
  subscriber.on('close', () => {
    connection++
    near.reset()
  })
  subscriber.on('message', (_channel: string, text: string) => {
    try {
      const message = JSON.parse(text) as InvalidationMessage
      near.invalidate([message.featureId], 'channel')
      lag.observe(Math.max(0, Date.now() - message.sentAt) / 1000)
    } catch {
      // Not ours: a message we cannot read may concern any feature.
      near.reset()
      near.resume()
    }
  })
  return {
    close() {
      closed = true
      near.reset()
      subscriber.disconnect()
    },
  }
}
