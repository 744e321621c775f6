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

/**
 * The instants a request may name. JavaScript parses year 0000 and PostgreSQL has no year 0, so
 * without a floor a read of that year was a 500 (and 500s open the gateway's breaker for every
 * caller); 1800 is older than any series a desk backfills, the floor publish already applies.
 */
export const EARLIEST_INSTANT = '1800-01-01T00:00:00Z'
export const LATEST_INSTANT = '9999-12-31T23:59:59Z'
const [EARLIEST_MS, LATEST_MS] = [Date.parse(EARLIEST_INSTANT), Date.parse(LATEST_INSTANT)]

export const IsoInstantSchema = z
  .string()
  .refine((text) => parseInstant(text) !== null, 'expected an ISO 8601 instant with an offset, e.g. 2025-10-20T00:00:00Z')
  .refine((text) => {
    const ms = parseInstant(text)
    return ms === null || (ms >= EARLIEST_MS && ms <= LATEST_MS)
  }, `expected an instant from ${EARLIEST_INSTANT} to ${LATEST_INSTANT}`)

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

/**
 * `eventual` (the default) may answer from a replica's near-cache: at most the store's
 * near-cache bound (250 ms by default) behind a publish acknowledged by another replica, never
 * behind one acknowledged by the replica answering. `strong` is never older than any
 * acknowledged publish.
 */
export const ReadConsistencySchema = z.enum(['eventual', 'strong'])
export type ReadConsistency = z.infer<typeof ReadConsistencySchema>

export const LatestQuerySchema = z.strictObject({
  featureId: z.string().min(1).max(500),
  asOf: IsoInstantSchema.optional().describe('knowledge time: the latest point as the store knew it then (read from PostgreSQL; consistency does not apply)'),
  consistency: ReadConsistencySchema.optional().describe(
    'eventual (default): may be answered by the replica\'s near-cache, at most FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS (250 ms) behind a publish acknowledged by another replica, never behind one acknowledged by this replica. strong: never older than any acknowledged publish.',
  ),
})
export type LatestQuery = z.infer<typeof LatestQuerySchema>
