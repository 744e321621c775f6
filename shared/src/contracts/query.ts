import { z } from 'zod'
import { FeatureIdSchema, FeaturePointSchema, IsoInstantSchema } from './feature'
import { parseInstant } from '../time/index'

export const AGGREGATES = ['last', 'first', 'avg', 'sum', 'min', 'max', 'count'] as const
export const AggregateSchema = z.enum(AGGREGATES)
export type Aggregate = z.infer<typeof AggregateSchema>

export const INTERVALS = ['1m', '5m', '1h', '1d', '1w'] as const
export const IntervalSchema = z.enum(INTERVALS)
export type Interval = z.infer<typeof IntervalSchema>

export const QUERY_DEFAULT_LIMIT = 10_000
export const QUERY_MAX_LIMIT = 100_000

export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export const QueryBodySchema = z
  .strictObject({
    featureIds: z.array(z.string().max(500)).min(1).max(50),
    since: IsoInstantSchema.optional(),
    until: IsoInstantSchema.optional(),
    agg: AggregateSchema.optional(),
    interval: IntervalSchema.optional(),
    tz: z.string().max(100).refine(isKnownTimeZone, 'tz: unknown IANA time zone').optional(),
    limit: z.number().int().min(1).max(QUERY_MAX_LIMIT).optional(),
    /** Knowledge time: the answer the store would have given at this instant (no later revision, no later point). */
    asOf: IsoInstantSchema.optional(),
  })
  .refine((body) => body.interval === undefined || body.agg !== undefined, {
    message: 'interval needs agg',
    path: ['interval'],
  })
  .refine(
    (body) =>
      body.since === undefined ||
      body.until === undefined ||
      (parseInstant(body.since) as number) <= (parseInstant(body.until) as number),
    { message: 'since must not be after until', path: ['since'] },
  )
export type QueryBody = z.infer<typeof QueryBodySchema>

export const AggregatePointSchema = z.object({
  ts: z.string(),
  value: z.number(),
  count: z.number().int(),
})
export type AggregatePoint = z.infer<typeof AggregatePointSchema>

export const CoverageSchema = z.object({
  ratio: z.number().nullable(),
  expected: z.number().int().nullable(),
  observed: z.number().int(),
  gaps: z.array(z.object({ from: z.string(), to: z.string() })),
})
export type Coverage = z.infer<typeof CoverageSchema>

export const FeatureQueryResultSchema = z.object({
  featureId: FeatureIdSchema,
  since: z.string(),
  until: z.string(),
  agg: AggregateSchema.nullable(),
  interval: IntervalSchema.nullable(),
  points: z.union([z.array(FeaturePointSchema), z.array(AggregatePointSchema)]),
  coverage: CoverageSchema,
  truncated: z.boolean(),
})
export type FeatureQueryResult = z.infer<typeof FeatureQueryResultSchema>
