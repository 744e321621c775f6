import type { ZodApp } from '@lav/shared'
import { DqReportSchema, IsoInstantSchema } from '@lav/shared/contracts'
import { parseInstant } from '@lav/shared/time'
import { z } from 'zod'
import type { DqParams } from '../dq/dq-service'
import type { DqReport } from '@lav/shared/contracts'

const DqQuerySchema = z
  .strictObject({ featureId: z.string().min(1).max(500).optional(), since: IsoInstantSchema.optional(), until: IsoInstantSchema.optional() })
  .refine((q) => !q.since || !q.until || (parseInstant(q.since) as number) <= (parseInstant(q.until) as number), {
    message: 'since must not be after until',
    path: ['since'],
  })

export async function dqRoutes(app: ZodApp, deps: { dq: (params: DqParams) => Promise<DqReport> }): Promise<void> {
  app.get('/dq', {
    onRequest: app.requireScope('oracle.reader'),
    schema: { querystring: DqQuerySchema, response: { 200: DqReportSchema } },
    handler: async (request) => {
      const { featureId, since, until } = request.query
      return deps.dq({ featureId, since: since ? (parseInstant(since) as number) : undefined, until: until ? (parseInstant(until) as number) : undefined })
    },
  })
}
