import { FeaturesNotFoundError } from '@lav/shared'
import {
  FREQUENCY_MS,
  QUERY_DEFAULT_LIMIT,
  type FeatureQueryResult,
  type FeatureSpec,
  type QueryBody,
} from '@lav/shared/contracts'
import { DAY_MS, parseInstant } from '@lav/shared/time'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { ValuesRepository } from '../storage/values-repository'
import { computeCoverage } from './coverage'
import { toFeaturePoint } from './point-view'

export interface QueryDeps {
  catalog: Pick<CatalogSnapshot, 'findMany'>
  values: Pick<ValuesRepository, 'range' | 'aggregate' | 'occupiedSlots'>
  defaultTimeZone: string
  now?: () => number
}

export type QueryFn = (body: QueryBody) => Promise<FeatureQueryResult[]>

export function createQueryService(deps: QueryDeps): QueryFn {
  const now = deps.now ?? Date.now
  return async (body) => {
    const ids = [...new Set(body.featureIds)]
    const specs = await deps.catalog.findMany(ids)
    const unknown = ids.filter((id) => !specs.has(id))
    if (unknown.length > 0) throw new FeaturesNotFoundError(unknown.join(', '))
    const at = now()
    const until = body.until ? (parseInstant(body.until) as number) : at
    const since = body.since ? (parseInstant(body.since) as number) : until - 30 * DAY_MS
    const window = { ids, specs, since, until, at }
    const [pointsById, slots] = await Promise.all([
      body.agg ? aggregatePoints(deps, body, window) : rawPoints(deps, body.limit ?? QUERY_DEFAULT_LIMIT, window),
      deps.values.occupiedSlots(
        ids.flatMap((id) => {
          const slotMs = FREQUENCY_MS[(specs.get(id) as FeatureSpec).frequency]
          return slotMs ? [{ featureId: id, slotMs }] : []
        }),
        since,
        until,
      ),
    ])
    return ids.map((id) => {
      const { points, truncated } = pointsById.get(id) ?? { points: [], truncated: false }
      const slotMs = FREQUENCY_MS[(specs.get(id) as FeatureSpec).frequency]
      return {
        featureId: id,
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
        agg: body.agg ?? null,
        interval: body.interval ?? null,
        points,
        coverage: computeCoverage(since, until, slotMs, slots.get(id) ?? [], points.length),
        truncated,
      }
    })
  }
}

type Window = { ids: string[]; specs: Map<string, FeatureSpec>; since: number; until: number; at: number }
type Points = Map<string, { points: FeatureQueryResult['points']; truncated: boolean }>

async function rawPoints(deps: QueryDeps, limit: number, w: Window): Promise<Points> {
  // One row past the limit tells us whether the answer was cut.
  const rows = await deps.values.range(w.ids, w.since, w.until, limit + 1)
  const byId: Points = new Map(w.ids.map((id) => [id, { points: [], truncated: false }]))
  for (const row of rows) {
    const entry = byId.get(row.featureId) as { points: ReturnType<typeof toFeaturePoint>[]; truncated: boolean }
    if (entry.points.length === limit) entry.truncated = true
    else entry.points.push(toFeaturePoint(row, w.specs.get(row.featureId) as FeatureSpec, w.at))
  }
  return byId
}

async function aggregatePoints(deps: QueryDeps, body: QueryBody, w: Window): Promise<Points> {
  const tz = body.tz ?? deps.defaultTimeZone
  const rows = await deps.values.aggregate(w.ids, w.since, w.until, body.agg as NonNullable<QueryBody['agg']>, body.interval ?? null, tz)
  const byId = new Map(w.ids.map((id) => [id, { points: [] as { ts: string; value: number; count: number }[], truncated: false }]))
  for (const row of rows) {
    byId.get(row.featureId)?.points.push({ ts: new Date(row.bucket).toISOString(), value: row.value, count: row.count })
  }
  return byId
}
