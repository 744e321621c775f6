import { z } from 'zod'

export const RegimeStateSchema = z.enum(['verde', 'amarillo', 'rojo'])
export type RegimeState = z.infer<typeof RegimeStateSchema>

export const RegimeSignalSchema = z.object({
  featureId: z.string(),
  component: z.enum(['gl', 'cn', 'mp']),
  weight: z.number(),
  value: z.number().nullable(),
  ts: z.string().nullable(),
  z: z.number().nullable(),
  available: z.boolean(),
})

export const RegimeOutputSchema = z.object({
  state: RegimeStateSchema,
  candidate: RegimeStateSchema,
  confidence: z.number().min(0).max(1),
  score: z.number().min(0).max(100),
  score_raw: z.number().nullable(),
  components: z.object({ gl: z.number().nullable(), cn: z.number().nullable(), mp: z.number().nullable() }),
  coherence: z.number().min(0).max(1),
  updated_at: z.string(),
  dq: z.object({ ok: z.boolean(), stale: z.array(z.string()), missing: z.array(z.string()) }),
  signals: z.array(RegimeSignalSchema),
})
export type RegimeOutput = z.infer<typeof RegimeOutputSchema>
