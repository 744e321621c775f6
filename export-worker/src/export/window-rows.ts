import type { Database } from '@lav/values-db'
import { RECORD_SEPARATOR, toGroup, type GroupRow, type RowGroup } from './row-group'
import type { ExportWindow } from './windows'

/**
 * One version of a point as a row-wise producer hands it to a file builder: instants as epoch
 * ms in doubles (exact below 2^53), JSON as text. `knownMs`: when the version became known.
 */
export type ExportRow = [featureId: string, tsMs: number, value: number, confidence: number, ingestedMs: number, knownMs: number, meta: string | null, evidence: string | null]

/** Rows per group at most: a (feature, day) group larger than this comes as several, in ts order. */
export const MAX_GROUP_ROWS = 50_000

/**
 * The versions ingested in `window` as groups of one feature and one UTC day of ts, ordered by day,
 * feature and ts, `groupsPerFetch` groups at a time through a server-side cursor. A (feature, day)
 * of more than `maxGroupRows` rows comes as consecutive groups of at most that many: memory holds
 * a few groups whatever the size of the window or of one feature-day (a backfill of a 1-second
 * feed, large meta or evidence), and no group nears PostgreSQL's 1 GB per value or V8's string
 * limit, which would fail the window on every retry.
 *
 * PostgreSQL packs each group's numbers and instants into bytea (float8send, timestamptz_send:
 * 8 big-endian bytes each) read straight into typed arrays: parsing a million rows of text was
 * most of an export's time. One lateral subquery per day: runtime pruning leaves it one partition
 * and its sorts are that day's share only. The aggregates take the rows in the order of the sorted
 * subquery (PostgreSQL feeds them in input order); `toGroup` checks it and sorts if ever not.
 * Numbering the rows costs a window function and an incremental sort of rows already in order
 * (about a third more database time than one group per feature-day); its frame is ROWS because
 * the default RANGE frame makes PostgreSQL 15 look ahead for peers, which row_number never has.
 */
export function windowGroups(
  sql: Database,
  window: ExportWindow,
  days: { first: number; last: number },
  groupsPerFetch: number,
  maxGroupRows = MAX_GROUP_ROWS,
): AsyncIterable<RowGroup[]> {
  const rows = sql<GroupRow[]>`
    select v.* from generate_series(${new Date(days.first)}::timestamptz, ${new Date(days.last)}::timestamptz, interval '1 day') as d(day)
    cross join lateral (
      select feature_id, count(*)::int as rows,
             string_agg(timestamptz_send(ts), ''::bytea) as ts,
             string_agg(float8send(value), ''::bytea) as value,
             string_agg(float8send(confidence), ''::bytea) as confidence,
             string_agg(timestamptz_send(ingested_at), ''::bytea) as ingested_at,
             string_agg(timestamptz_send(known_at), ''::bytea) as known_at,
             case when count(meta) > 0 then string_agg(coalesce(meta::text, ''), ${RECORD_SEPARATOR}) end as meta,
             case when count(evidence) > 0 then string_agg(coalesce(evidence::text, ''), ${RECORD_SEPARATOR}) end as evidence
      from (
        select feature_id, ts, value, confidence, ingested_at, known_at, meta, evidence,
               (row_number() over (partition by feature_id order by ts, known_at rows unbounded preceding) - 1) / ${maxGroupRows}::int as chunk
        from (
          select feature_id, ts, value, confidence, ingested_at, coalesce(known_at, ingested_at) as known_at, meta, evidence
          from features_values
          where ts >= d.day and ts < d.day + interval '1 day'
            and ingested_at >= ${new Date(window.start)} and ingested_at < ${new Date(window.end)}
          union all
          select feature_id, ts, value, confidence, ingested_at, known_from, meta, evidence
          from features_revisions
          where ts >= d.day and ts < d.day + interval '1 day'
            and ingested_at >= ${new Date(window.start)} and ingested_at < ${new Date(window.end)}
        ) as versions
        order by feature_id, chunk, ts, known_at
      ) as day_rows
      group by feature_id, chunk
      order by feature_id, chunk
    ) as v`
  return mapBatches(prefetched(rows.cursor(groupsPerFetch) as AsyncIterable<GroupRow[]>), (batch) => batch.map(toGroup))
}

async function* mapBatches<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item)
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

/**
 * The earliest ingested_at at or after `from` (ms) of any version, current or replaced, or null:
 * lets a cycle jump over empty windows.
 */
export async function firstIngestedAt(sql: Database, from: number): Promise<number | null> {
  const [row] = await sql<{ first: number | null }[]>`
    select (extract(epoch from least(
      (select min(ingested_at) from features_values where ingested_at >= ${new Date(from)}),
      (select min(ingested_at) from features_revisions where ingested_at >= ${new Date(from)})
    )) * 1000)::float8 as first`
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
