import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import type postgres from 'postgres'
import { chunk, history, pick, type BenchFeature, type BenchPoint } from './support/dataset'
import { publish } from './support/http'
import { row, type Row } from './support/report'
import type { Stack } from './support/stack'

export const PUBLISH_FEATURES = ['cex/agg/spot_depth_2pct_usd', 'cex/agg/perp_oi_usd', 'dex/agg/active_liquidity_usd', 'crypto/btc/spot_price_usd'] as const
const TIMESTAMPS = 50_000
const BATCH = 5_000

interface Columns {
  ids: string[]
  ts: string[]
  values: number[]
  confidences: number[]
}

export interface PublishDetails {
  points: number
  batches: number
  partitions: number
  serviceSeconds: number
  rawSeconds: number
}

/**
 * 4 hourly features × 50,000 hours going back from `endMs`, in 40 sequential batches of 5,000,
 * through POST /publish and through a raw postgres.js `unnest` upsert.
 *
 * Fairness: both write into the SAME `features_values` table, emptied with TRUNCATE between the
 * runs, with every daily partition created before either run. A second partitioned copy would
 * start with different physical state (no bloat, other relfilenodes, its own statistics) and a
 * plain unpartitioned copy would skip tuple routing, so only the same table compares like with
 * like. The raw run goes first so the rows and the Redis cache left behind are the service's.
 */
export async function benchPublish(stack: Stack, catalog: Map<string, BenchFeature>, endMs: number): Promise<{ rows: Row[]; details: PublishDetails }> {
  const points = history(pick(catalog, PUBLISH_FEATURES), TIMESTAMPS, endMs, HOUR_MS)
  const batches = chunk(points, BATCH)
  // Bodies and columns are built before the clock starts: client-side encoding is not what we measure.
  const bodies = batches.map((batch) => JSON.stringify(batch))
  const columns = batches.map(toColumns)
  const partitions = await ensurePartitions(stack.sql, endMs - (TIMESTAMPS - 1) * HOUR_MS, endMs)

  // One untimed batch each: JIT, prepared statements and the catalog snapshot warm up first.
  await publish(stack, bodies[0] ?? '[]')
  await rawUpsert(stack.sql, columns[0] as Columns)
  await emptyValues(stack.sql)

  const rawSeconds = await timed(stack.sql, async () => {
    for (const batch of columns) await rawUpsert(stack.sql, batch)
  })
  await expectRows(stack.sql, points.length, 'raw upsert')
  await emptyValues(stack.sql)
  const serviceSeconds = await timed(stack.sql, async () => {
    for (const body of bodies) await publish(stack, body)
  })
  await expectRows(stack.sql, points.length, 'POST /publish')

  const rows = [row('publish 200k points, batches of 5k', 'rows/s', points.length / serviceSeconds, points.length / rawSeconds, { kind: 'min-ratio', value: 0.5 })]
  return { rows, details: { points: points.length, batches: batches.length, partitions, serviceSeconds, rawSeconds } }
}

function toColumns(batch: BenchPoint[]): Columns {
  return {
    ids: batch.map((p) => p.featureId),
    ts: batch.map((p) => p.ts),
    values: batch.map((p) => p.value),
    confidences: batch.map((p) => p.confidence),
  }
}

/** What a hand-written loader would do: one `unnest` upsert per batch, nothing else. */
async function rawUpsert(sql: postgres.Sql, c: Columns): Promise<void> {
  await sql`
    insert into features_values (feature_id, ts, value, confidence)
    select feature_id, ts, value, confidence
    from unnest(${sql.array(c.ids)}::text[], ${sql.array(c.ts)}::timestamptz[], ${sql.array(c.values)}::float8[], ${sql.array(c.confidences)}::float8[])
      as incoming(feature_id, ts, value, confidence)
    on conflict (feature_id, ts) do update set
      value = excluded.value, confidence = excluded.confidence, ingested_at = clock_timestamp()`
}

/**
 * Creates the daily partitions with the schema's own function, 100 days per statement: one
 * statement for ~2,000 days would hold more locks than max_locks_per_transaction allows.
 */
async function ensurePartitions(sql: postgres.Sql, fromMs: number, toMs: number): Promise<number> {
  const first = Math.floor(fromMs / DAY_MS)
  const days = Array.from({ length: Math.floor(toMs / DAY_MS) - first + 1 }, (_, i) => new Date((first + i) * DAY_MS).toISOString().slice(0, 10))
  for (const group of chunk(days, 100)) await sql`select ensure_features_values_partition(day) from unnest(${sql.array(group)}::date[]) as day`
  return days.length
}

/** TRUNCATE of the parent reaches every partition and leaves no dead tuples for the next run. */
async function emptyValues(sql: postgres.Sql): Promise<void> {
  await sql`truncate features_values`
}

/** A CHECKPOINT first, so neither run pays for flushing the other's dirty pages. */
async function timed(sql: postgres.Sql, run: () => Promise<void>): Promise<number> {
  await sql`checkpoint`
  const started = performance.now()
  await run()
  return (performance.now() - started) / 1000
}

async function expectRows(sql: postgres.Sql, expected: number, what: string): Promise<void> {
  const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from features_values`
  if (counted?.n !== expected) throw new Error(`${what} left ${counted?.n} rows, expected ${expected}: the run is not valid`)
}
