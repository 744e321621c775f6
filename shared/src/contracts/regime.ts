import { z } from 'zod'

export const REGIME_STATES = ['verde', 'amarillo', 'rojo'] as const
export const RegimeStateSchema = z.enum(REGIME_STATES)
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

export const ScoreboardSchema = RegimeOutputSchema.pick({ score: true, state: true, components: true, signals: true, coherence: true, updated_at: true })
export type Scoreboard = z.infer<typeof ScoreboardSchema>

export const HintStanceSchema = z.enum(['increase', 'neutral', 'reduce'])
export type HintStance = z.infer<typeof HintStanceSchema>

export const HintSchema = z.object({ stance: HintStanceSchema, rationale: z.string() })
export type Hint = z.infer<typeof HintSchema>

/** Advisory only: nothing in the system turns a hint into an order (EXECUTION_MODE=dry-run). */
export const HintsSchema = z.object({
  market_neutral: HintSchema,
  directional: HintSchema,
  yield: HintSchema,
  state: RegimeStateSchema,
  advisory_only: z.literal(true),
})
export type Hints = z.infer<typeof HintsSchema>
