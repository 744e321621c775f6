import type { Database } from '../../../feature-store-svc/src/storage/database'
import type { ExportWindow } from './windows'

/**
 * One row of features_values as the exporter reads it: a tuple (postgres.js `.values()`), instants
 * as epoch ms in doubles (exact below 2^53), JSON as text. Tuples and plain numbers because this
 * is the hot path: a million rows should not mean a million objects, BigInts and Dates.
 */
export type ExportRow = [featureId: string, tsMs: number, value: number, confidence: number, ingestedMs: number, meta: string | null, evidence: string | null]

/**
 * The rows ingested in `window`, ordered by UTC day of ts, then feature, then ts — so each
 * (feature, day) group arrives in one run — `batchRows` at a time through a server-side cursor:
 * memory stays bounded whatever the window holds.
 *
 * One lateral subquery per day of `days` rather than one ORDER BY over the window: each sort is
 * one day partition's share (runtime pruning leaves one partition per day), so the first rows
 * come at once instead of after a sort of the whole window, and PostgreSQL works through the
 * days while the worker encodes. Instants are truncated to ms, the precision of the Parquet
 * columns; date_part is float arithmetic, several times cheaper than extract's numeric, and
 * round() of a whole number of ms is exact.
 */
export function windowRows(sql: Database, window: ExportWindow, days: { first: number; last: number }, batchRows: number): AsyncIterable<ExportRow[]> {
  const rows = sql`
    select v.* from generate_series(${new Date(days.first)}::timestamptz, ${new Date(days.last)}::timestamptz, interval '1 day') as d(day)
    cross join lateral (
      select feature_id,
             round(date_part('epoch', date_trunc('milliseconds', ts)) * 1000) as ts_ms,
             value,
             confidence,
             round(date_part('epoch', date_trunc('milliseconds', ingested_at)) * 1000) as ingested_ms,
             meta::text as meta,
             evidence::text as evidence
      from features_values
      where ts >= d.day and ts < d.day + interval '1 day'
        and ingested_at >= ${new Date(window.start)} and ingested_at < ${new Date(window.end)}
      order by feature_id, ts
    ) as v`
  return prefetched(rows.values().cursor(batchRows) as AsyncIterable<ExportRow[]>)
}

/** The first and last UTC day (ms at midnight) of the partitions of features_values, or null. */
export async function partitionDays(sql: Database): Promise<{ first: number; last: number } | null> {
  const [row] = await sql<{ first: string | null; last: string | null }[]>`
    select min(c.relname) as first, max(c.relname) as last
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'features_values'::regclass and c.relname ~ '^features_values_p[0-9]{8}$'`
  if (!row?.first || !row.last) return null
  const day = (name: string) => Date.UTC(Number(name.slice(-8, -4)), Number(name.slice(-4, -2)) - 1, Number(name.slice(-2)))
  return { first: day(row.first), last: day(row.last) }
}

/**
 * Asks for the next batch before handing out the current one: PostgreSQL fetches it while the
 * caller encodes. On an early exit the batch in flight is awaited before the cursor is closed,
 * or postgres.js would keep the connection waiting on it.
 */
async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]()
  let next = iterator.next()
  let finished = false
  try {
    for (;;) {
      const result = await next
      if (result.done) {
        finished = true
        return
      }
      next = iterator.next()
      yield result.value
    }
  } finally {
    if (!finished) {
      const pending = await next.catch(() => ({ done: true as const }))
      if (!pending.done) await iterator.return?.()
    }
  }
}

/** The earliest ingested_at at or after `from` (ms), or null: lets a cycle jump over empty windows. */
export async function firstIngestedAt(sql: Database, from: number): Promise<number | null> {
  const [row] = await sql<{ first: number | null }[]>`
    select (extract(epoch from min(ingested_at)) * 1000)::float8 as first
    from features_values where ingested_at >= ${new Date(from)}`
  return row?.first ?? null
}

export interface Horizon {
  /** The database's clock (ms): ingested_at comes from it, so windows close by it too. */
  databaseNow: number
  /** Start (ms) of the oldest transaction still open on this database, if any. */
  oldestOpenTransaction: number | null
  /** Its application_name, to say who holds the export back. */
  heldBy: string | null
}

/**
 * ingested_at is clock_timestamp() at insert time, but a row only becomes visible at commit. A
 * transaction open since T may still commit rows stamped at or after T, so no window ending after
 * T can be called closed. PostgreSQL shows non-superusers the xact_start of their own role's
 * sessions, which covers the store writing with the same role.
 */
export async function readHorizon(sql: Database): Promise<Horizon> {
  const [row] = await sql<{ now: number; oldest: number | null; held_by: string | null }[]>`
    select (extract(epoch from clock_timestamp()) * 1000)::float8 as now,
           (extract(epoch from oldest.xact_start) * 1000)::float8 as oldest,
           oldest.application_name as held_by
    from (select 1) as one
    left join lateral (
      select xact_start, application_name from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
        and backend_type = 'client backend' and xact_start is not null
      order by xact_start limit 1
    ) as oldest on true`
  if (!row) throw new Error('reading the database clock returned no row')
  return { databaseNow: row.now, oldestOpenTransaction: row.oldest, heldBy: row.held_by }
}
