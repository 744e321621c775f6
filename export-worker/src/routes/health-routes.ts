import type { ZodApp } from '@lav/shared'
import { withTimeout } from '@lav/shared/time'
import type { Redis } from 'ioredis'
import type { Database } from '@lav/values-db'
import type { ObjectStore } from '../s3/object-store'

export interface HealthDeps {
  sql: Database
  /** Absent in the degraded mode: the export then runs on an in-process timer. */
  redis?: Redis
  objects: Pick<ObjectStore, 'ping'>
}

async function check(run: () => Promise<unknown>, ms: number): Promise<string> {
  try {
    await withTimeout(run(), ms)
    return 'up'
  } catch (error) {
    return `down: ${(error as Error).message || (error as Error).name}`
  }
}

/** Every dependency the export needs must answer: PostgreSQL, S3, and Redis when configured. */
export async function healthRoutes(app: ZodApp, deps: HealthDeps): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  const { redis: client } = deps
  app.get('/readyz', async (_request, reply) => {
    const [postgres, s3, redis] = await Promise.all([
      check(() => deps.sql`select 1`, 1_000),
      check(() => deps.objects.ping(), 2_000),
      client ? check(() => client.ping(), 500) : Promise.resolve('not configured (degraded: export on an in-process timer)'),
    ])
    const checks = { postgres, redis, s3 }
    const ready = postgres === 'up' && s3 === 'up' && (redis === 'up' || !client)
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks })
  })
}
