import { BadRequestError, FeaturesNotFoundError } from '@lav/shared'
import { FUTURE_TOLERANCE_MS } from '../publish/point-validation'
import { FREQUENCY_MS, QUERY_DEFAULT_LIMIT, type AggregatePoint, type Coverage, type FeatureSpec, type QueryBody } from '@lav/shared/contracts'
import { DAY_MS, parseInstant } from '@lav/shared/time'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { Database } from '@lav/values-db'
import { rangeAsJson } from '../storage/points-json'
import type { ValuesRepository } from '../storage/values-repository'
import { computeCoverage } from './coverage'

export interface QueryDeps {
  catalog: Pick<CatalogSnapshot, 'findMany'>
  values: Pick<ValuesRepository, 'aggregate' | 'occupiedSlots'>
  sql: Database
  defaultTimeZone: string
  now?: () => number
}

/** The answer as JSON text (`FeatureQueryResult[]`): raw points arrive from PostgreSQL already as JSON. */
export type QueryFn = (body: QueryBody) => Promise<string>

/** `at`: the instant the answer is given as of (now, or asOf), for `stale`; `asOf`: null for a current read. */
type Window = { ids: string[]; specs: Map<string, FeatureSpec>; since: number; until: number; at: number; asOf: number | null }
type Part = { featureId: string; points: string; coverage: Coverage; truncated: boolean }

export function createQueryService(deps: QueryDeps): QueryFn {
  const now = deps.now ?? Date.now
  return async (body) => {
    const ids = [...new Set(body.featureIds)]
    const specs = await deps.catalog.findMany(ids)
    const unknown = ids.filter((id) => !specs.has(id))
    if (unknown.length > 0) throw new FeaturesNotFoundError(unknown.join(', '))
    const asOf = body.asOf ? requirePast(parseInstant(body.asOf) as number, now()) : null
    const at = asOf ?? now()
    // As of an instant, the window ends there by default: nothing later was known then.
    const until = body.until ? (parseInstant(body.until) as number) : at
    const since = body.since ? (parseInstant(body.since) as number) : until - 30 * DAY_MS
    const window: Window = { ids, specs, since, until, at, asOf }
    const parts = body.agg ? await aggregateParts(deps, body, window) : await rawParts(deps, body.limit ?? QUERY_DEFAULT_LIMIT, window)
    const head = (id: string) =>
      `{"featureId":${JSON.stringify(id)},"since":"${new Date(since).toISOString()}","until":"${new Date(until).toISOString()}","agg":${JSON.stringify(body.agg ?? null)},"interval":${JSON.stringify(body.interval ?? null)}`
    return `[${parts.map((p) => `${head(p.featureId)},"points":${p.points},"coverage":${JSON.stringify(p.coverage)},"truncated":${p.truncated}}`).join(',')}]`
  }
}

const slotOf = (spec: FeatureSpec) => FREQUENCY_MS[spec.frequency]

/** An as-of instant later than now would answer differently tomorrow: the store knows only the past. */
export function requirePast(asOf: number, now: number): number {
  if (asOf > now + FUTURE_TOLERANCE_MS) throw new BadRequestError('asOf is in the future: the store can answer only what it knew up to now')
  return asOf
}

async function rawParts(deps: QueryDeps, limit: number, w: Window): Promise<Part[]> {
  const requests = w.ids.map((id) => ({ featureId: id, ttlMs: (w.specs.get(id) as FeatureSpec).ttl_ms, slotMs: slotOf(w.specs.get(id) as FeatureSpec) }))
  const results = await rangeAsJson(deps.sql, requests, w.since, w.until, limit, w.at, w.asOf)
  // A cut answer's points do not cover the window: its coverage needs a scan of its own.
  const cut = await occupied(deps, w, results.filter((r) => r.truncated).map((r) => r.featureId))
  return results.map((r) => {
    const spec = w.specs.get(r.featureId) as FeatureSpec
    const slots = r.truncated ? (cut.get(r.featureId) ?? []) : r.slots
    return { featureId: r.featureId, points: r.json, coverage: computeCoverage(w.since, w.until, slotOf(spec), slots, r.count), truncated: r.truncated }
  })
}

async function aggregateParts(deps: QueryDeps, body: QueryBody, w: Window): Promise<Part[]> {
  const tz = body.tz ?? deps.defaultTimeZone
  const [rows, slots] = await Promise.all([
    deps.values.aggregate(w.ids, w.since, w.until, body.agg as NonNullable<QueryBody['agg']>, body.interval ?? null, tz, w.asOf),
    occupied(deps, w, w.ids),
  ])
  const byId = new Map<string, AggregatePoint[]>(w.ids.map((id) => [id, []]))
  for (const row of rows) byId.get(row.featureId)?.push({ ts: new Date(row.bucket).toISOString(), value: row.value, count: row.count })
  return w.ids.map((id) => {
    const points = byId.get(id) as AggregatePoint[]
    const observed = points.reduce((sum, point) => sum + point.count, 0)
    return { featureId: id, points: JSON.stringify(points), coverage: computeCoverage(w.since, w.until, slotOf(w.specs.get(id) as FeatureSpec), slots.get(id) ?? [], observed), truncated: false }
  })
}

async function occupied(deps: QueryDeps, w: Window, ids: string[]): Promise<Map<string, number[]>> {
  const slotted = ids.flatMap((id) => {
    const slotMs = slotOf(w.specs.get(id) as FeatureSpec)
    return slotMs ? [{ featureId: id, slotMs }] : []
  })
  return slotted.length > 0 ? deps.values.occupiedSlots(slotted, w.since, w.until, w.asOf) : new Map()
}
