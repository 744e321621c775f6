import type { ZodApp } from '@lav/shared'
import { withTimeout } from '@lav/shared/time'
import type { Redis } from 'ioredis'
import type { Database } from '@lav/values-db'

/**
 * PostgreSQL is required; Redis is not (reads fall back to PostgreSQL), so a Redis outage is
 * reported as degraded while the service stays ready.
 */
export async function healthRoutes(app: ZodApp, deps: { sql: Database; redis?: Redis }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const checks: Record<string, string> = {}
    try {
      await withTimeout(deps.sql`select 1`, 1_000)
      checks.postgres = 'up'
    } catch (error) {
      checks.postgres = `down: ${(error as Error).message}`
    }
    if (deps.redis) {
      try {
        await withTimeout(deps.redis.ping(), 500)
        checks.redis = 'up'
      } catch {
        checks.redis = 'down (degraded: latest values served from PostgreSQL)'
      }
    } else {
      checks.redis = 'not configured (no cache)'
    }
    const ready = checks.postgres === 'up'
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
}
