import type { ZodApp } from '@lav/shared'
import type { Redis } from 'ioredis'

const TIMEOUT_MS = 1_000

async function upstreamReady(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    return response.ok ? 'up' : `down: /readyz answered ${response.status}`
  } catch (error) {
    return `down: ${(error as Error).message}`
  }
}

/**
 * Ready when every upstream is. Redis is reported but does not gate readiness: without it the
 * rate limit fails open by design and the gateway keeps serving.
 */
export async function healthRoutes(app: ZodApp, deps: { upstreams: Record<string, string>; redis?: Redis }): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const names = Object.keys(deps.upstreams)
    const states = await Promise.all(names.map((name) => upstreamReady(deps.upstreams[name] as string)))
    const checks: Record<string, string> = Object.fromEntries(names.map((name, index) => [name, states[index] as string]))
    checks.redis = deps.redis
      ? await deps.redis.ping().then(
          () => 'up',
          () => 'down (degraded: rate limit fails open)',
        )
      : 'not configured (in-memory rate limit)'
    const ready = states.every((state) => state === 'up')
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
}
