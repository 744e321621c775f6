import { z } from 'zod'
import { EvidenceSchema } from './feature'
import { StorableJsonObject, StorableString } from './storable-text'

export const PUBLISH_MAX_POINTS = 10_000
/** Distinct UTC days of ts one publish may span (each day is a partition the write locks). */
export const PUBLISH_MAX_DAYS = 500

// JSON can carry 1e999, which parses to Infinity; z.number() would turn that into a 400 for the
// whole batch, while the contract wants a per-point `non_finite_value` rejection.
const AnyNumber = z.custom<number>((value) => typeof value === 'number', { message: 'expected a number' })

export const PublishPointSchema = z.strictObject({
  featureId: StorableString.max(500),
  ts: z.string().max(100),
  value: AnyNumber,
  confidence: AnyNumber.optional(),
  meta: StorableJsonObject.optional(),
  evidence: z.array(EvidenceSchema).max(100).optional(),
  /**
   * When this version became known, if the source says (FRED's realtime_start): an as-of read
   * then sees it from that instant on. Default: when the store accepts it. Not in the future.
   */
  known_at: z.string().max(100).optional(),
})
export type PublishPoint = z.infer<typeof PublishPointSchema>

export const PublishBodySchema = z
  .array(PublishPointSchema)
  .max(PUBLISH_MAX_POINTS, `at most ${PUBLISH_MAX_POINTS} points per publish`)

export const REJECTION_REASONS = [
  'unknown_feature',
  'inactive_feature',
  'invalid_ts',
  'future_ts',
  'non_finite_value',
  'invalid_confidence',
  'out_of_range',
  'duplicate_in_batch',
  'invalid_known_at',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]

export const PublishRejectionSchema = z.object({
  index: z.number().int(),
  featureId: z.string(),
  reason: z.enum(REJECTION_REASONS),
  message: z.string(),
})
export type PublishRejection = z.infer<typeof PublishRejectionSchema>

export const PublishResultSchema = z.object({
  accepted: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(PublishRejectionSchema),
})
export type PublishResult = z.infer<typeof PublishResultSchema>
