import { FeatureNotFoundError, type ZodApp } from '@lav/shared'
import { FEATURE_ID_PATTERN, FeatureSpecInputSchema, FeatureSpecSchema, FrequencySchema, StorableString } from '@lav/shared/contracts'
import { z } from 'zod'
import type { CatalogRepository } from '../registry/catalog-repository'

export interface CatalogRoutesDeps {
  repository: CatalogRepository
  onChange: () => void
}

const IdParams = z.strictObject({ id: z.string().max(500) })

/** An id no feature can have (POST /catalog checks the pattern) is not looked up: 404 at once. */
function knownShapeOrNotFound(id: string): string {
  if (!FEATURE_ID_PATTERN.test(id)) throw new FeatureNotFoundError(id)
  return id
}

export async function catalogRoutes(app: ZodApp, { repository, onChange }: CatalogRoutesDeps): Promise<void> {
  app.get('/catalog', {
    onRequest: app.requireScope('oracle.reader'),
    schema: {
      querystring: z.strictObject({
        entity: z.enum(['asset', 'pair', 'market', 'macro']).optional(),
        frequency: FrequencySchema.optional(),
        tags: StorableString.max(1000).optional().describe('comma-separated; every tag must match'),
      }),
      response: { 200: z.array(FeatureSpecSchema) },
    },
    handler: async (request) => {
      const { entity, frequency, tags } = request.query
      return repository.list({ entity, frequency, tags: tags?.split(',').map((tag) => tag.trim()).filter(Boolean) })
    },
  })

  app.get('/catalog/:id', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { params: IdParams, response: { 200: FeatureSpecSchema } },
    handler: async (request) => {
      const spec = await repository.get(knownShapeOrNotFound(request.params.id))
      if (!spec) throw new FeatureNotFoundError(request.params.id)
      return spec
    },
  })

  app.post('/catalog', {
    onRequest: app.requireScope('oracle.admin'),
    schema: { body: FeatureSpecInputSchema, response: { 200: FeatureSpecSchema, 201: FeatureSpecSchema } },
    handler: async (request, reply) => {
      const { spec, outcome } = await repository.upsert(request.body)
      if (outcome !== 'unchanged') onChange()
      return reply.status(outcome === 'created' ? 201 : 200).send(spec)
    },
  })

  app.delete('/catalog/:id', {
    onRequest: app.requireScope('oracle.admin'),
    schema: { params: IdParams, response: { 200: FeatureSpecSchema } },
    handler: async (request) => {
      const spec = await repository.deactivate(knownShapeOrNotFound(request.params.id))
      if (!spec) throw new FeatureNotFoundError(request.params.id)
      onChange()
      return spec
    },
  })
}
