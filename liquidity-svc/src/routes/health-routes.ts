import type { ZodApp } from '@lav/shared'
import type { FeatureSource } from '../feeds/feature-source'

/** Ready means the feature store answers an authenticated read within the fetch timeout. */
export async function healthRoutes(app: ZodApp, deps: { source: Pick<FeatureSource, 'probe'> }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.source.probe()
      return { status: 'ready', checks: { featureStore: 'up' } }
    } catch (error) {
      return reply.status(503).send({ status: 'not ready', checks: { featureStore: `down: ${(error as Error).message}` } })
    }
  })
}
