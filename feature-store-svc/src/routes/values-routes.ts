import type { ZodApp } from '@lav/shared'
import {
  FeatureQueryResultSchema,
  LatestQuerySchema,
  LatestPointSchema,
  PublishBodySchema,
  PublishResultSchema,
  QueryBodySchema,
} from '@lav/shared/contracts'
import { Histogram, type Registry } from 'prom-client'
import type { FastifyReply } from 'fastify'
import { parseInstant } from '@lav/shared/time'
import { z } from 'zod'
import type { PublishFn } from '../publish/publish-service'
import type { LatestFn } from '../query/latest-service'
import type { QueryFn } from '../query/query-service'

export interface ValuesRoutesDeps {
  latest: LatestFn
  query: QueryFn
  publish: PublishFn
  publishBodyLimit: number
  registry: Registry
}

const sendJsonText = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json as never)

export async function valuesRoutes(app: ZodApp, deps: ValuesRoutesDeps): Promise<void> {
  const duration = new Histogram({
    name: 'feature_query_duration_seconds',
    help: 'Time to answer feature reads, by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [deps.registry],
  })

  // Children bound once: labelling on every read would hash the label object each time.
  const timers = { latest: duration.labels({ endpoint: 'latest' }), query: duration.labels({ endpoint: 'query' }) }
  const timed = async <T>(endpoint: keyof typeof timers, read: () => Promise<T>): Promise<T> => {
    const end = timers[endpoint].startTimer()
    try {
      return await read()
    } finally {
      end()
    }
  }

  app.get('/latest', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: LatestQuerySchema, response: { 200: LatestPointSchema } },
    // Already JSON (kept as text in the cache), so it skips the serializer; the schema documents it.
    handler: async (request, reply) => {
      const { featureId, asOf, consistency } = request.query
      return sendJsonText(reply, await timed('latest', () => deps.latest(featureId, { asOf: asOf === undefined ? undefined : (parseInstant(asOf) as number), consistency })))
    },
  })

  app.post('/query', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { body: QueryBodySchema, response: { 200: z.array(FeatureQueryResultSchema) } },
    // Already JSON (built from PostgreSQL's text), so it skips the serializer; the schema documents it.
    handler: async (request, reply) => sendJsonText(reply, await timed('query', () => deps.query(request.body))),
  })

  app.post('/publish', {
    onRequest: app.requireScope('oracle.publisher'),
    bodyLimit: deps.publishBodyLimit,
    schema: { body: PublishBodySchema, response: { 200: PublishResultSchema } },
    handler: async (request) => deps.publish(request.body),
  })
}
