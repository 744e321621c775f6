import type { ZodApp } from '@lav/shared'
import { HintsSchema, ScoreboardSchema } from '@lav/shared/contracts'
import type { RegimeService } from '../evaluation/regime-service'
import { hintsFor } from '../hints/hints'
import type { InstantQuerySchemas } from './instant-query'

/** The dashboard's two views of the live regime: the scoreboard and the advisory hints. */
export async function boardRoutes(app: ZodApp, deps: { regime: RegimeService; queries: InstantQuerySchemas }): Promise<void> {
  app.get('/scoreboard', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: deps.queries.none, response: { 200: ScoreboardSchema } },
    handler: async (request) => {
      const { score, state, components, signals, coherence, updated_at } = (await deps.regime.latest(undefined, request.id)).output
      return { score, state, components, signals, coherence, updated_at }
    },
  })

  app.get('/hints', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: deps.queries.none, response: { 200: HintsSchema } },
    handler: async (request) => hintsFor((await deps.regime.latest(undefined, request.id)).output),
  })
}
