import type { Aggregate, Evidence, Interval } from '@lav/shared/contracts'
import { slotCount } from '../query/coverage'
import type { Database } from '@lav/values-db'
import { knownValues, knownValuesText } from './known-values'

export interface ValueRow {
  featureId: string
  ts: number
  value: number
  confidence: number
  /** JSON as PostgreSQL's jsonb text, pasted into answers as is: /latest and /query write it alike. */
  meta: string | null
  evidence: string | null
  /** Microseconds since the epoch: PostgreSQL's precision, so two revisions in one ms still order. */
  ingestedAtUs: number
}

export interface NewValue {
  featureId: string
  ts: number
  value: number
  confidence: number
  meta?: Record<string, unknown>
  evidence?: Evidence[]
  /** Epoch ms the source says this version became known; null: when the store accepts it. */
  knownAt?: number | null
}

export interface AggregateRow {
  featureId: string
  bucket: number
  value: number
  count: number
}

/** Every read takes `asOf` (epoch ms): the versions known at that instant; null: the current ones. */
export type AsOf = number | null

export interface ValuesRepository {
  upsert(values: NewValue[]): Promise<number>
  latest(featureIds: string[], asOf?: AsOf): Promise<ValueRow[]>
  aggregate(featureIds: string[], since: number, until: number, agg: Aggregate, interval: Interval | null, tz: string, asOf?: AsOf): Promise<AggregateRow[]>
  occupiedSlots(slots: { featureId: string; slotMs: number }[], since: number, until: number, asOf?: AsOf): Promise<Map<string, number[]>>
  countOutside(ranges: { featureId: string; low: number; high: number }[], since: number, until: number, asOf?: AsOf): Promise<Map<string, number>>
  storageBytes(): Promise<number>
}

type RawRow = {
  feature_id: string
  ts: Date
  value: number
  confidence: number
  meta: string | null
  evidence: string | null
  ingested_us: string
}

const toValueRow = (row: RawRow): ValueRow => ({
  featureId: row.feature_id,
  ts: row.ts.getTime(),
  value: row.value,
  confidence: row.confidence,
  meta: row.meta,
  evidence: row.evidence,
  ingestedAtUs: Number(row.ingested_us),
})

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value))

export function createValuesRepository(sql: Database): ValuesRepository {
  return {
    async upsert(values) {
      if (values.length === 0) return 0
      const sorted = values
      const result = await sql`
        insert into features_values (feature_id, ts, value, confidence, meta, evidence, known_at, ingested_at)
        select feature_id, ts, value, confidence, meta, evidence, known_at, clock_timestamp()
        from unnest(
          ${sql.array(sorted.map((v) => v.featureId))}::text[],
          ${sql.array(sorted.map((v) => new Date(v.ts).toISOString()))}::timestamptz[],
          ${sql.array(sorted.map((v) => v.value))}::float8[],
          ${sql.array(sorted.map((v) => v.confidence))}::float8[],
          ${sql.array(sorted.map((v) => json(v.meta)))}::jsonb[],
          ${sql.array(sorted.map((v) => json(v.evidence)))}::jsonb[],
          ${sql.array(sorted.map((v) => (v.knownAt == null ? null : new Date(v.knownAt).toISOString())))}::timestamptz[]
        ) as incoming(feature_id, ts, value, confidence, meta, evidence, known_at)
        -- rows in key order, so concurrent overlapping batches lock rows in one order: no deadlock
        order by feature_id, ts
        -- the replaced version moves to features_revisions (trigger keep_features_revision)
        on conflict (feature_id, ts) do update set
          value = excluded.value, confidence = excluded.confidence, meta = excluded.meta,
          evidence = excluded.evidence, known_at = excluded.known_at, ingested_at = excluded.ingested_at
        -- a re-publish of the same value, confidence and meta is a no-op (evidence alone, such as a
        -- re-fetch's fetched_at, is not a revision): ingested_at only moves for a real revision
        where (features_values.value, features_values.confidence, features_values.meta)
          is distinct from (excluded.value, excluded.confidence, excluded.meta)`
      return result.count
    },
    async latest(featureIds, asOf = null) {
      const rows = await sql<RawRow[]>`
        select f.id as feature_id, v.ts, v.value, v.confidence, v.meta::text as meta, v.evidence::text as evidence,
               (extract(epoch from v.ingested_at) * 1000000)::bigint::text as ingested_us
        from unnest(${sql.array(featureIds)}::text[]) as f(id)
        cross join lateral (
          select ts, value, confidence, meta, evidence, ingested_at from ${knownValues(sql, asOf)}
          where feature_id = f.id order by features_values.ts desc limit 1
        ) as v`
      return rows.map(toValueRow)
    },
    aggregate: (featureIds, since, until, agg, interval, tz, asOf = null) => aggregateRows(sql, { featureIds, since, until, agg, interval, tz, asOf }),
    async occupiedSlots(slots, since, until, asOf = null) {
      // bigint: a minute feature over a window of thousands of years has more slots than an int holds (it was a 500).
      const rows = await sql<{ feature_id: string; slots: number[] }[]>`
        select f.id as feature_id,
               array(
                 select distinct least(floor(extract(epoch from (v.ts - ${new Date(since)})) * 1000 / f.slot_ms)::bigint, f.last_slot)
                 from ${knownValues(sql, asOf, 'v')}
                 where v.feature_id = f.id and v.ts >= ${new Date(since)} and v.ts <= ${new Date(until)}
               ) as slots
        from unnest(
          ${sql.array(slots.map((s) => s.featureId))}::text[],
          ${sql.array(slots.map((s) => s.slotMs))}::float8[],
          ${sql.array(slots.map((s) => slotCount(since, until, s.slotMs) - 1))}::bigint[]
        ) as f(id, slot_ms, last_slot)`
      return new Map(rows.map((row) => [row.feature_id, row.slots.map(Number)]))
    },
    async countOutside(ranges, since, until, asOf = null) {
      const rows = await sql<{ feature_id: string; n: string }[]>`
        select f.id as feature_id,
               (select count(*) from ${knownValues(sql, asOf, 'v')}
                 where v.feature_id = f.id and v.ts >= ${new Date(since)} and v.ts <= ${new Date(until)}
                   and (v.value < f.low or v.value > f.high))::text as n
        from unnest(
          ${sql.array(ranges.map((r) => r.featureId))}::text[],
          ${sql.array(ranges.map((r) => r.low))}::float8[],
          ${sql.array(ranges.map((r) => r.high))}::float8[]
        ) as f(id, low, high)`
      return new Map(rows.map((row) => [row.feature_id, Number(row.n)]))
    },
    async storageBytes() {
      const [row] = await sql<{ bytes: string | null }[]>`
        select sum(pg_total_relation_size(inhrelid))::text as bytes
        from pg_inherits where inhparent = 'features_values'::regclass`
      return Number(row?.bytes ?? 0)
    },
  }
}

const AGG_SQL: Record<Aggregate, string> = {
  last: '(array_agg(value order by ts desc))[1]',
  first: '(array_agg(value order by ts asc))[1]',
  avg: 'avg(value)',
  sum: 'sum(value)',
  min: 'min(value)',
  max: 'max(value)',
  count: 'count(*)::float8',
}

// Buckets are computed on local wall-clock time and mapped back, so days start at local midnight
// (DST included) and hours follow half-hour zones such as Asia/Kolkata.
const BUCKET_SQL: Record<Interval, string> = {
  '1m': "date_trunc('minute', ts at time zone $4) at time zone $4",
  '5m': "date_bin('5 minutes', ts at time zone $4, timestamp '2000-01-01') at time zone $4",
  '1h': "date_trunc('hour', ts at time zone $4) at time zone $4",
  '1d': "date_trunc('day', ts at time zone $4) at time zone $4",
  '1w': "date_trunc('week', ts at time zone $4) at time zone $4",
}

async function aggregateRows(
  sql: Database,
  q: { featureIds: string[]; since: number; until: number; agg: Aggregate; interval: Interval | null; tz: string; asOf: AsOf },
): Promise<AggregateRow[]> {
  // The aggregate and bucket expressions come from the closed tables above, never from input.
  const bucket = q.interval ? BUCKET_SQL[q.interval] : '$2::timestamptz'
  const params = [q.featureIds, new Date(q.since).toISOString(), new Date(q.until).toISOString()]
  // PostgreSQL refuses a parameter it cannot type, so the zone is only sent when a bucket uses it.
  if (q.interval) params.push(q.tz)
  if (q.asOf !== null) params.push(new Date(q.asOf).toISOString())
  const text = `
    select feature_id, ${bucket} as bucket, ${AGG_SQL[q.agg]} as value, count(*)::int as n
    from ${q.asOf === null ? 'features_values' : knownValuesText(`$${params.length}`)}
    where feature_id = any($1::text[]) and ts >= $2 and ts <= $3
    group by feature_id, 2
    order by feature_id, 2`
  const rows = await sql.unsafe<{ feature_id: string; bucket: Date; value: number; n: number }[]>(text, params as never)
  return rows.map((row) => ({ featureId: row.feature_id, bucket: row.bucket.getTime(), value: Number(row.value), count: row.n }))
}
