import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { Counter, type Registry } from 'prom-client'
import { RateLimitedError, type ZodApp } from '@lav/shared'
import { leasedRedisStore } from './leased-redis-store'

export interface RateLimitOptions {
  perMinute: number
  redis?: Redis
  namespace?: string
  registry: Registry
}

const WINDOW_MS = 60_000

/** Per token subject when the token is valid, per client address otherwise. */
const limitKey = (request: FastifyRequest) => (request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`)

/**
 * Fixed one-minute windows per key, counted in Redis and reserved in blocks (leased-redis-store.ts),
 * so concurrent requests are counted exactly and a busy subject does not cost a Redis call each.
 * When Redis fails the limiter fails open: requests pass without limit headers, each bypass is
 * counted and logged, and limiting resumes as soon as Redis answers.
 */
export async function registerRateLimit(app: ZodApp, options: RateLimitOptions): Promise<void> {
  const bypassed = new Counter({ name: 'gateway_ratelimit_bypass_total', help: 'Requests let through unlimited because the rate-limit store failed', registers: [options.registry] })
  await app.register(rateLimit, {
    global: false,
    max: options.perMinute,
    timeWindow: WINDOW_MS,
    ...(options.redis ? { store: leasedRedisStore({ redis: options.redis, namespace: options.namespace ?? 'lav:rl:', windowMs: WINDOW_MS, max: options.perMinute }) } : {}),
    skipOnError: true,
    keyGenerator: limitKey,
  })
  const limit = app.createRateLimit()
  let lastWarning = 0

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return
    // Identify first so the key is the subject; a bad token is answered 401 later, still counted per IP.
    await app.authenticate(request).catch(() => undefined)
    const result = await limit(request)
    if (result.isAllowed) return
    // A successful count is at least 1, so "nothing counted" means the store failed.
    if (result.ttl === 0 && result.remaining === result.max) {
      bypassed.inc()
      if (Date.now() - lastWarning > 10_000) {
        lastWarning = Date.now()
        request.log.warn('rate-limit store unavailable: failing open')
      }
      return
    }
    reply.header('x-ratelimit-limit', result.max)
    reply.header('x-ratelimit-remaining', result.remaining)
    reply.header('x-ratelimit-reset', result.ttlInSeconds)
    if (result.isExceeded) {
      reply.header('retry-after', result.ttlInSeconds)
      throw new RateLimitedError(String(result.ttlInSeconds))
    }
  })
}
