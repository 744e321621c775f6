import { z } from 'zod'
import { CoverageSchema } from './query'

export const DqFeatureReportSchema = z.object({
  featureId: z.string(),
  ok: z.boolean(),
  freshness: z.object({
    last_ts: z.string().nullable(),
    /** Confidence of that latest point: a health badge needs it without one /latest per feature. */
    last_confidence: z.number().nullable(),
    age_ms: z.number().nullable(),
    ttl_ms: z.number(),
    stale: z.boolean(),
    violation: z.boolean(),
  }),
  coverage: CoverageSchema.extend({ min: z.number(), violation: z.boolean() }),
  range: z.object({
    expected_range: z.tuple([z.number(), z.number()]).nullable(),
    violations: z.number().int(),
  }),
})
export type DqFeatureReport = z.infer<typeof DqFeatureReportSchema>

export const DqReportSchema = z.object({
  generated_at: z.string(),
  since: z.string(),
  until: z.string(),
  ok: z.boolean(),
  features: z.array(DqFeatureReportSchema),
})
export type DqReport = z.infer<typeof DqReportSchema>
