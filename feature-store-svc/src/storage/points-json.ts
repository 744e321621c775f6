import { slotCount, slotIndex } from '../query/coverage'
import type { Database } from '@lav/values-db'
import { knownValues } from './known-values'
import { createIsoFormatter, jsNumberText } from './instant-text'

export interface PointsJsonRequest {
  featureId: string
  ttlMs: number
  /** Slot length for coverage; null for tick features. */
  slotMs: number | null
}

export interface PointsJson {
  featureId: string
  /** A JSON array of FeaturePoint objects. */
  json: string
  count: number
  truncated: boolean
  /** Occupied coverage slots of the returned points (complete unless truncated). */
  slots: number[]
}

/**
 * Instants as float8 epoch seconds (date_part): formatting them in Node is cheaper than
 * PostgreSQL's text output. Numbers as PostgreSQL's text: pasted, not parsed and printed again.
 */
type Row = { feature_id: string; ts: number; value: string; confidence: string; meta: string | null; evidence: string | null; ingested_at: number }

/**
 * Raw points of several features as ready-made JSON text. jsonb columns arrive as text and are
 * pasted in, instants as numbers: no per-row JSON.parse, timestamp text or serialiser pass, which
 * were most of a 90-day query's time.
 */
export async function rangeAsJson(sql: Database, features: PointsJsonRequest[], since: number, until: number, limit: number, now: number, asOf: number | null = null): Promise<PointsJson[]> {
  const ids = features.map((f) => f.featureId)
  const window = { since: new Date(since), until: new Date(until), asOf }
  // Fast path: one scan per day partition for all features (= ANY) under a global cap. Only when
  // the cap is reached could a feature have been cut short, and then each feature is read with
  // its own limit instead.
  const cap = (limit + 1) * ids.length
  let rows = await readAll(sql, ids, window, cap)
  if (rows.length >= cap) rows = await readEachLimited(sql, ids, window, limit + 1)
  const byId = new Map<string, Row[]>(ids.map((id) => [id, []]))
  for (const row of rows) byId.get(row.feature_id)?.push(row)
  return features.map((feature) => toPointsJson(feature, byId.get(feature.featureId) as Row[], { since, until, limit, now }))
}

type Window = { since: Date; until: Date; asOf: number | null }

// ORDER BY names the table's columns: a bare `ts` would mean the `date_part` output column and
// sort the rows again instead of taking the index order.
const readAll = (sql: Database, ids: string[], w: Window, cap: number) => sql<Row[]>`
  select feature_id, date_part('epoch', ts) as ts, value::text as value, confidence::text as confidence, meta::text as meta, evidence::text as evidence, date_part('epoch', ingested_at) as ingested_at
  from ${knownValues(sql, w.asOf)}
  where feature_id = any(${sql.array(ids)}::text[]) and ts >= ${w.since} and ts <= ${w.until}
  order by features_values.feature_id, features_values.ts
  limit ${cap}`

const readEachLimited = (sql: Database, ids: string[], w: Window, perFeature: number) => sql<Row[]>`
  select f.id as feature_id, date_part('epoch', v.ts) as ts, v.value::text as value, v.confidence::text as confidence, v.meta::text as meta, v.evidence::text as evidence, date_part('epoch', v.ingested_at) as ingested_at
  from unnest(${sql.array(ids)}::text[]) as f(id)
  cross join lateral (
    select ts, value, confidence, meta, evidence, ingested_at
    from ${knownValues(sql, w.asOf)}
    where feature_id = f.id and ts >= ${w.since} and ts <= ${w.until}
    order by features_values.ts limit ${perFeature}
  ) as v`

/**
 * Epoch seconds with microseconds (a float8 from date_part) as whole milliseconds, truncated like
 * the API's ISO instants. The product with 1000 can land a hair under an exact millisecond
 * (its rounding error is below 0.00025 ms at today's epochs), hence half a microsecond of slack.
 */
export function msFromEpochSeconds(seconds: number): number {
  return Math.floor(seconds * 1000 + 0.0005)
}

function toPointsJson(feature: PointsJsonRequest, rows: Row[], w: { since: number; until: number; limit: number; now: number }): PointsJson {
  const kept = rows.length > w.limit ? rows.slice(0, w.limit) : rows
  const head = `{"featureId":${JSON.stringify(feature.featureId)},"ts":"`
  const count = feature.slotMs ? slotCount(w.since, w.until, feature.slotMs) : 0
  const slots: number[] = []
  // One formatter per column: each keeps the UTC day its instants are running through.
  const tsText = createIsoFormatter()
  const ingestedText = createIsoFormatter()
  const parts = kept.map((row) => {
    const ms = msFromEpochSeconds(row.ts)
    if (feature.slotMs) slots.push(slotIndex(ms, w.since, feature.slotMs, count))
    return (
      `${head}${tsText(ms)}","value":${jsNumberText(row.value)},"confidence":${jsNumberText(row.confidence)},"stale":${w.now - ms > feature.ttlMs}` +
      `${row.meta === null ? '' : `,"meta":${row.meta}`}${row.evidence === null ? '' : `,"evidence":${row.evidence}`}` +
      `,"ingested_at":"${ingestedText(msFromEpochSeconds(row.ingested_at))}"}`
    )
  })
  return { featureId: feature.featureId, json: `[${parts.join(',')}]`, count: kept.length, truncated: rows.length > w.limit, slots }
}
