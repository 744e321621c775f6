import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import { chunk, history, pick, type BenchFeature, type BenchPoint } from './support/dataset'
import { auth, publish, putFixture, servicePost } from './support/http'
import { measurePair, type LoadOptions, type Pair } from './support/load'
import { row, type Row } from './support/report'
import { API, type Stack } from './support/stack'

export const HOURLY_QUERY_FEATURE = 'crypto/btc/spot_price_usd'
const WINDOW_DAYS = 90
const CONNECTIONS = 10
const WARMUP_S = 1
const DURATION_S = 6

export interface QueryWindow {
  since: number
  until: number
}

export interface QueryCase {
  name: string
  featureIds: string[]
  points: number
  answerBytes: number
  /** 10 connections: throughput, and what queueing does to latency at saturation. */
  saturated: Pair
  /** 1 connection: what one caller waits, the run the latency target applies to. */
  single: Pair
}

export function queryWindow(now: number): QueryWindow {
  return { since: now - WINDOW_DAYS * DAY_MS, until: now }
}

/** The nine feeds the liquidity regime reads, found by their catalog tag. */
export function liquidityFeeds(catalog: Map<string, BenchFeature>): BenchFeature[] {
  const feeds = [...catalog.values()].filter((feature) => feature.tags.includes('liquidity'))
  if (feeds.length !== 9) throw new Error(`expected 9 features tagged liquidity in the catalog, found ${feeds.length}`)
  return feeds
}

/**
 * One point per UTC midnight for the nine feeds (one a week for the weekly WALCL), one an hour
 * for the hourly feature, all inside the window: what the two queries then read back.
 */
export async function seedQueryData(stack: Stack, catalog: Map<string, BenchFeature>, window: QueryWindow): Promise<number> {
  const inWindow = (stepMs: number, endMs: number) => Math.floor((endMs - window.since) / stepMs) + 1
  const lastMidnight = Math.floor(window.until / DAY_MS) * DAY_MS
  const lastHour = Math.floor(window.until / HOUR_MS) * HOUR_MS
  const points: BenchPoint[] = []
  for (const feed of liquidityFeeds(catalog)) {
    const stepMs = feed.frequency === '1w' ? 7 * DAY_MS : DAY_MS
    points.push(...history([feed], inWindow(stepMs, lastMidnight), lastMidnight, stepMs))
  }
  points.push(...history(pick(catalog, [HOURLY_QUERY_FEATURE]), inWindow(HOUR_MS, lastHour), lastHour, HOUR_MS))
  for (const batch of chunk(points, 5_000)) await publish(stack, JSON.stringify(batch))
  return points.length
}

/**
 * POST /query for the nine feeds, then for the hourly feature, each beside the bare server; then
 * the nine feeds asOf an instant, beside the same query without asOf.
 */
export async function benchQuery(stack: Stack, catalog: Map<string, BenchFeature>, window: QueryWindow, seeded: number): Promise<{ rows: Row[]; details: (QueryCase | Pair)[] }> {
  const feeds = liquidityFeeds(catalog).map((feed) => feed.id)
  const cases = [await runCase(stack, 'daily', feeds, window), await runCase(stack, 'hourly', [HOURLY_QUERY_FEATURE], window)]
  const answered = cases.reduce((sum, c) => sum + c.points, 0)
  if (answered !== seeded) throw new Error(`the queries answered ${answered} points, ${seeded} were seeded: the window holds other data`)
  const asOf = await runAsOfCase(stack, feeds, window)
  const rows = cases.flatMap((c) => [
    row(`POST /query ${c.name}, ${CONNECTIONS} conn`, 'req/s', c.saturated.service.rps, c.saturated.baseline.rps),
    row(`POST /query ${c.name}, ${CONNECTIONS} conn, p50`, 'ms', c.saturated.service.p50Ms, c.saturated.baseline.p50Ms),
    row(`POST /query ${c.name}, ${CONNECTIONS} conn, p99`, 'ms', c.saturated.service.p99Ms, c.saturated.baseline.p99Ms),
    row(`POST /query ${c.name}, 1 conn, p50`, 'ms', c.single.service.p50Ms, c.single.baseline.p50Ms),
    row(`POST /query ${c.name}, 1 conn, p99`, 'ms', c.single.service.p99Ms, c.single.baseline.p99Ms, { kind: 'max-result', value: 20 }),
  ])
  const asOfName = `POST /query ${feeds.length} feeds × ${WINDOW_DAYS}d daily with asOf (a tenth revised), 1 conn`
  rows.push(
    row(`${asOfName}, p50 vs without asOf`, 'ms', asOf.service.p50Ms, asOf.baseline.p50Ms),
    row(`${asOfName}, p99 vs without asOf`, 'ms', asOf.service.p99Ms, asOf.baseline.p99Ms, { kind: 'max-ratio', value: 2 }),
  )
  return { rows, details: [...cases, asOf] }
}

/**
 * Knowledge time: a tenth of the nine feeds' points revised (their old versions move to
 * features_revisions), then the same query asOf an instant after the revisions — the as-of read
 * unions both tables — against the current read, one connection each.
 */
async function runAsOfCase(stack: Stack, featureIds: string[], window: QueryWindow): Promise<Pair> {
  const body = { featureIds, since: new Date(window.since).toISOString(), until: new Date(window.until).toISOString() }
  const answer = await servicePost<{ featureId: string; points: { ts: string; value: number }[] }[]>(stack, '/query', body)
  const revised = answer.flatMap((result) => result.points.filter((_, i) => i % 10 === 0).map((point) => ({ featureId: result.featureId, ts: point.ts, value: point.value * 1.001 })))
  await publish(stack, JSON.stringify(revised))
  const asOf = new Date(Date.now() + 1).toISOString()
  const load = { method: 'POST' as const, durationS: DURATION_S, connections: 1, url: `${stack.serviceUrl}${API}/query`, headers: auth(stack) }
  return measurePair({ ...load, body: JSON.stringify({ ...body, asOf }) }, { ...load, body: JSON.stringify(body) }, WARMUP_S)
}

async function runCase(stack: Stack, kind: 'daily' | 'hourly', featureIds: string[], window: QueryWindow): Promise<QueryCase> {
  const body = JSON.stringify({ featureIds, since: new Date(window.since).toISOString(), until: new Date(window.until).toISOString() })
  const answer = await servicePost<{ points: unknown[] }[]>(stack, '/query', JSON.parse(body))
  const points = answer.reduce((sum, result) => sum + result.points.length, 0)
  const load = { method: 'POST' as const, body, durationS: DURATION_S }
  const service: LoadOptions = { ...load, url: `${stack.serviceUrl}${API}/query`, headers: auth(stack), connections: CONNECTIONS }
  const baseline: LoadOptions = { ...load, url: await putFixture(stack, `query-${kind}`, answer), connections: CONNECTIONS }
  const saturated = await measurePair(service, baseline, WARMUP_S)
  // At saturation p99 is mostly queueing (about connections × service time) for any server, the
  // bare one included; one connection shows the time a single request takes.
  const single = await measurePair({ ...service, connections: 1 }, { ...baseline, connections: 1 }, 0)
  const name = kind === 'daily' ? `${featureIds.length} feeds × ${WINDOW_DAYS}d daily` : `1 feature × ${WINDOW_DAYS}d hourly`
  return { name, featureIds, points, answerBytes: JSON.stringify(answer).length, saturated, single }
}
