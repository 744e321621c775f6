import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { ZodApp } from '@lav/shared'
import { createMergedDocs, type UpstreamDocSource } from './merged-openapi'

/** /docs: a browsable UI over the merged document of every service; no token needed to read it. */
export async function docsRoutes(app: ZodApp, { sources }: { sources: UpstreamDocSource[] }): Promise<void> {
  const docs = createMergedDocs(sources)
  await app.register(fastifySwagger, { openapi: { info: { title: 'LAV API', version: '1' } } })
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      onRequest: async () => {
        await docs.refreshIfStale()
      },
    },
    transformSpecificationClone: false,
    transformSpecification: () => docs.current(),
  })
}
