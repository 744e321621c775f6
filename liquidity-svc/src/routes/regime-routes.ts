import type { ZodApp } from '@lav/shared'
import { RegimeOutputSchema } from '@lav/shared/contracts'
import { parseInstant } from '@lav/shared/time'
import { z } from 'zod'
import type { RegimeService } from '../evaluation/regime-service'
import { historyRange, knowledgeOf, type InstantQuerySchemas } from './instant-query'

export interface RegimeRoutesDeps {
  regime: RegimeService
  queries: InstantQuerySchemas
  now: () => number
}

export async function regimeRoutes(app: ZodApp, deps: RegimeRoutesDeps): Promise<void> {
  app.get('/regime/latest', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: deps.queries.latest, response: { 200: RegimeOutputSchema } },
    handler: async (request, reply) => {
      const { asOf } = request.query
      const { json } = await deps.regime.latest(asOf ? (parseInstant(asOf) as number) : undefined, request.id, knowledgeOf(request.query, false))
      // The cached answer's JSON, checked against the schema above once when it was made: Fastify
      // sends a string as is, so a burst of requests costs no validation or serialisation.
      return reply.type('application/json; charset=utf-8').send(json as never)
    },
  })

  app.get('/regime/history', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: deps.queries.history, response: { 200: z.array(RegimeOutputSchema) } },
    handler: async (request) => {
      const { since, until } = historyRange(request.query, deps.now())
      return deps.regime.history(since, until, request.id, knowledgeOf(request.query, true))
    },
  })
}
