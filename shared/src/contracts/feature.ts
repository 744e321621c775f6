import { z } from 'zod'
import { parseInstant } from '../time/index'
import { StorableString } from './storable-text'

export const FREQUENCIES = ['tick', '1m', '5m', '1h', '1d', '1w'] as const
export const FrequencySchema = z.enum(FREQUENCIES)
export type Frequency = z.infer<typeof FrequencySchema>

/** Slot length of each frequency; `tick` has none (coverage is not defined for it). */
export const FREQUENCY_MS: Record<Frequency, number | null> = {
  tick: null,
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
  '1w': 604_800_000,
}

export const FEATURE_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]*(?:\/[a-z0-9][a-z0-9_.-]*)+$/

export const FeatureIdSchema = z
  .string()
  .max(200)
  .regex(FEATURE_ID_PATTERN, 'feature id: lower-case segments of [a-z0-9_.-] joined by "/"')

// JavaScript dates reach ±275,760 years; PostgreSQL refuses the year 0000 and anything past
// 9999 in the ISO text postgres.js sends, so an instant outside these years was a 500 (found by
// the schema fuzzer: GET /latest?asOf=0000-01-01T00:00:00Z).
const EARLIEST_STORABLE_MS = Date.parse('0001-01-01T00:00:00Z')
const LATEST_STORABLE_MS = Date.parse('9999-12-31T23:59:59.999Z')

export const IsoInstantSchema = z
  .string()
  .refine((text) => parseInstant(text) !== null, 'expected an ISO 8601 instant with an offset, e.g. 2025-10-20T00:00:00Z')
  .refine((text) => {
    const ms = parseInstant(text)
    return ms === null || (ms >= EARLIEST_STORABLE_MS && ms <= LATEST_STORABLE_MS)
  }, 'expected an instant between the years 0001 and 9999')

export const FeatureSourceSchema = z.strictObject({
  id: StorableString.min(1).max(200),
  class: z.enum(['onchain', 'cex', 'macro', 'derived']),
  schema: StorableString.min(1).max(200),
})

export const FeatureQualitySchema = z.strictObject({
  expected_range: z
    .tuple([z.number(), z.number()])
    .refine(([low, high]) => low <= high, 'expected_range: low must not exceed high')
    .optional(),
  seasonal: z.boolean().optional(),
})

/** What a client sends to POST /catalog: a spec without the store-managed version. */
export const FeatureSpecInputSchema = z.strictObject({
  id: FeatureIdSchema,
  entity: z.enum(['asset', 'pair', 'market', 'macro']),
  description: StorableString.max(2000),
  unit: StorableString.min(1).max(50),
  frequency: FrequencySchema,
  ttl_ms: z.number().int().positive(),
  tags: z.array(StorableString.min(1).max(100)).max(50),
  source: FeatureSourceSchema,
  quality: FeatureQualitySchema.optional(),
  active: z.boolean().default(true),
})
export type FeatureSpecInput = z.input<typeof FeatureSpecInputSchema>

export const FeatureSpecSchema = FeatureSpecInputSchema.extend({
  version: z.number().int().positive(),
})
export type FeatureSpec = z.infer<typeof FeatureSpecSchema>

export const EvidenceSchema = z.strictObject({
  source: StorableString.min(1).max(500),
  ref: StorableString.max(2000).optional(),
  hash: StorableString.max(500).optional(),
  fetched_at: IsoInstantSchema.optional(),
})
export type Evidence = z.infer<typeof EvidenceSchema>

export const FeaturePointSchema = z.object({
  featureId: z.string(),
  ts: z.string(),
  value: z.number(),
  confidence: z.number(),
  stale: z.boolean(),
  meta: z.record(z.string(), z.unknown()).optional(),
  evidence: z.array(EvidenceSchema).optional(),
  ingested_at: z.string(),
})
export type FeaturePoint = z.infer<typeof FeaturePointSchema>

export const LatestPointSchema = FeaturePointSchema.extend({ age_ms: z.number() })
export type LatestPoint = z.infer<typeof LatestPointSchema>
