import type { Database } from './database'

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

type Row = { feature_id: string; ts_ms: number; value: number; confidence: number; meta: string | null; evidence: string | null; ingested_ms: number }

/**
 * Raw points of several features as ready-made JSON text. jsonb columns arrive as text and are
 * pasted in as they are, and instants arrive as epoch numbers: no per-row JSON.parse, Date
 * parsing or serialiser pass, which were most of a 90-day query's time in Node.
 */
export async function rangeAsJson(sql: Database, features: PointsJsonRequest[], since: number, until: number, limit: number, now: number): Promise<PointsJson[]> {
  const ids = features.map((f) => f.featureId)
  const window = { since: new Date(since), until: new Date(until) }
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

type Window = { since: Date; until: Date }

const readAll = (sql: Database, ids: string[], w: Window, cap: number) => sql<Row[]>`
  select feature_id, extract(epoch from ts)::float8 * 1000 as ts_ms, value, confidence, meta::text as meta,
         evidence::text as evidence, floor(extract(epoch from ingested_at)::float8 * 1000) as ingested_ms
  from features_values
  where feature_id = any(${sql.array(ids)}::text[]) and ts >= ${w.since} and ts <= ${w.until}
  order by feature_id, ts
  limit ${cap}`

const readEachLimited = (sql: Database, ids: string[], w: Window, perFeature: number) => sql<Row[]>`
  select f.id as feature_id, v.ts_ms, v.value, v.confidence, v.meta, v.evidence, v.ingested_ms
  from unnest(${sql.array(ids)}::text[]) as f(id)
  cross join lateral (
    select extract(epoch from ts)::float8 * 1000 as ts_ms, value, confidence, meta::text as meta,
           evidence::text as evidence, floor(extract(epoch from ingested_at)::float8 * 1000) as ingested_ms
    from features_values
    where feature_id = f.id and ts >= ${w.since} and ts <= ${w.until}
    order by ts limit ${perFeature}
  ) as v`

function toPointsJson(feature: PointsJsonRequest, rows: Row[], w: { since: number; until: number; limit: number; now: number }): PointsJson {
  const kept = rows.length > w.limit ? rows.slice(0, w.limit) : rows
  const head = `{"featureId":${JSON.stringify(feature.featureId)},"ts":"`
  const parts = kept.map(
    (row) =>
      `${head}${new Date(row.ts_ms).toISOString()}","value":${row.value},"confidence":${row.confidence},"stale":${w.now - row.ts_ms > feature.ttlMs}` +
      `${row.meta === null ? '' : `,"meta":${row.meta}`}${row.evidence === null ? '' : `,"evidence":${row.evidence}`}` +
      `,"ingested_at":"${new Date(row.ingested_ms).toISOString()}"}`,
  )
  const lastSlot = feature.slotMs ? Math.max(1, Math.floor((w.until - w.since) / feature.slotMs)) - 1 : 0
  const slots = feature.slotMs ? kept.map((row) => Math.min(Math.floor((row.ts_ms - w.since) / (feature.slotMs as number)), lastSlot)) : []
  return { featureId: feature.featureId, json: `[${parts.join(',')}]`, count: kept.length, truncated: rows.length > w.limit, slots }
}
