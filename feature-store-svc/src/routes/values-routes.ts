import type { ZodApp } from '@lav/shared'
import {
  FeatureQueryResultSchema,
  LatestPointSchema,
  PublishBodySchema,
  PublishResultSchema,
  QueryBodySchema,
} from '@lav/shared/contracts'
import { Histogram, type Registry } from 'prom-client'
import { z } from 'zod'
import type { PublishFn } from '../publish/publish-service'
import type { QueryFn } from '../query/query-service'

export interface ValuesRoutesDeps {
  /** The LatestPoint as JSON text. */
  latest: (featureId: string) => Promise<string>
  query: QueryFn
  publish: PublishFn
  publishBodyLimit: number
  registry: Registry
}

export async function valuesRoutes(app: ZodApp, deps: ValuesRoutesDeps): Promise<void> {
  const duration = new Histogram({
    name: 'feature_query_duration_seconds',
    help: 'Time to answer feature reads, by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [deps.registry],
  })

  app.get('/latest', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: z.strictObject({ featureId: z.string().min(1).max(500) }), response: { 200: LatestPointSchema } },
    handler: async (request, reply) => {
      const end = duration.startTimer({ endpoint: 'latest' })
      try {
        // Already JSON (kept as text in the cache), so it skips the serializer; the schema documents it.
        return reply.type('application/json; charset=utf-8').send((await deps.latest(request.query.featureId)) as never)
      } finally {
        end()
      }
    },
  })

  app.post('/query', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { body: QueryBodySchema, response: { 200: z.array(FeatureQueryResultSchema) } },
    handler: async (request, reply) => {
      const end = duration.startTimer({ endpoint: 'query' })
      try {
        // Already JSON (built by PostgreSQL), so it skips the serializer; the schema documents it.
        return reply.type('application/json; charset=utf-8').send((await deps.query(request.body)) as never)
      } finally {
        end()
      }
    },
  })

  app.post('/publish', {
    onRequest: app.requireScope('oracle.publisher'),
    bodyLimit: deps.publishBodyLimit,
    schema: { body: PublishBodySchema, response: { 200: PublishResultSchema } },
    handler: async (request) => deps.publish(request.body),
  })
}
