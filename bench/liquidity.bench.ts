import { QUERY_MAX_LIMIT } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import { DAY_MS, MINUTE_MS, toIso } from '@lav/shared/time'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { loadLiquidityConfig } from '@lav/liquidity-svc/config'
import { loadFeedsFile } from '@lav/liquidity-svc/feeds'
import { dataWindow, evaluateInstants, type EvaluationData, toSeries } from '@lav/liquidity-svc/signals'
import { warmThenRun } from './support/load'
import { percentile } from './support/load-stats'
import { startLiquidityStack, type LiquidityStack } from './support/liquidity-stack'
import { row, runWhenMain, type Row } from './support/report'

export type BenchRow = Row

const API = '/api/liquidity/v1'
const HISTORY_DAYS = 365
const COMPUTE_RUNS = 50
const COLD_RUNS = 20
const HISTORY_RUNS = 3
const CONNECTIONS = 10
const WARMUP_S = 1
const DURATION_S = 5

const config = loadLiquidityConfig({ JWT_SECRET: 'bench-only-secret-not-used-for-signing-0000' })
const FEEDS = loadFeedsFile(config.feedsPath)

/**
 * liquidity-svc: the compute of one evaluation alone (nine feeds, hourly MP, the 97 days one
 * evaluation reads), cold /regime/latest (fetch + compute), /regime/history over 365 days, and
 * cached /regime/latest against the bare Fastify server answering the same JSON.
 */
export async function runLiquidityBench(env: NodeJS.ProcessEnv = process.env): Promise<BenchRow[]> {
  const stack = await startLiquidityStack(env)
  try {
    const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS
    const seeded = await seed(stack, now)
    console.log(`liquidity: seeded ${seeded.points} mock points of the nine feeds over ${seeded.days} days`)
    const compute = benchCompute(seeded.data, now)
    const cold = await benchCold(stack, now)
    const history = await benchHistory(stack, now)
    const cached = await benchCached(stack)
    console.log(`liquidity: compute p50 ${compute.p50.toFixed(2)} ms over ${compute.points} points; first cold evaluation ${cold.first.toFixed(1)} ms`)
    return [
      row(`liquidity compute alone, 9 feeds, hourly MP (${compute.points} pts), p50 vs target`, 'ms', compute.p50, 20, { kind: 'max-result', value: 20 }),
      row('GET /regime/latest cold (fetch + compute), p50 vs its POST /query alone', 'ms', cold.p50, cold.queryP50, { kind: 'max-result', value: 100 }),
      row(`GET /regime/history ${HISTORY_DAYS + 1} instants, p50 vs its POST /query alone`, 'ms', history.p50, history.queryP50, { kind: 'max-result', value: 1000 }),
      row(`GET /regime/latest cached, ${CONNECTIONS} connections`, 'req/s', cached.service.rps, cached.baseline.rps, { kind: 'min-ratio', value: 0.7 }),
    ]
  } finally {
    await stack.stop()
  }
}

/** The demo's mock history of the nine feeds, enough for a 365-day history with its look-back. */
async function seed(stack: LiquidityStack, now: number) {
  const store = createFeatureStoreClient({ baseUrl: stack.storeUrl, token: stack.token, timeoutMs: 60_000 })
  const specs = (await store.catalog()).filter((spec) => FEEDS.some((feed) => feed.featureId === spec.id))
  const window = dataWindow(now - HISTORY_DAYS * DAY_MS, now, config.method)
  const days = Math.ceil((now - window.since) / DAY_MS) + 1
  const adapter = createMockAdapter()
  const totals = await backfill({ specs, adapter, publish: (points) => store.publish(points), days, now })
  if (totals.rejected > 0) throw new Error(`the store rejected ${totals.rejected} mock points: the run is not valid`)
  // The compute bench reads what one evaluation at `now` reads, built from the same mock values.
  const latest = dataWindow(now, now, config.method)
  const series = new Map()
  for (const spec of specs) {
    const points = await adapter.load(spec, latest.since, latest.until)
    series.set(spec.id, toSeries(points.map((point) => ({ ts: Date.parse(point.ts), value: point.value }))))
  }
  const data: EvaluationData = { series, ttlMs: new Map(specs.map((spec) => [spec.id, spec.ttl_ms])) }
  return { points: totals.points, days, data }
}

function benchCompute(data: EvaluationData, now: number) {
  const points = [...data.series.values()].reduce((sum, series) => sum + series.ts.length, 0)
  for (let i = 0; i < 5; i++) evaluateInstants(FEEDS, config.method, data, [now])
  const times = Array.from({ length: COMPUTE_RUNS }, () => {
    const started = performance.now()
    evaluateInstants(FEEDS, config.method, data, [now])
    return performance.now() - started
  })
  return { points, p50: median(times) }
}

/** Distinct asOf minutes: each request misses the per-minute cache and evaluates afresh. */
async function benchCold(stack: LiquidityStack, now: number) {
  const times: number[] = []
  for (let i = 1; i <= COLD_RUNS; i++) times.push(await timedGet(stack, `${stack.liquidityUrl}${API}/regime/latest?asOf=${encodeURIComponent(toIso(now - i * MINUTE_MS))}`))
  const window = dataWindow(now - MINUTE_MS, now - MINUTE_MS, config.method)
  const queryTimes: number[] = []
  for (let i = 0; i < COLD_RUNS; i++) queryTimes.push(await timedQuery(stack, window))
  return { first: times[0] as number, p50: median(times), queryP50: median(queryTimes) }
}

async function benchHistory(stack: LiquidityStack, now: number) {
  const since = now - HISTORY_DAYS * DAY_MS
  const url = `${stack.liquidityUrl}${API}/regime/history?since=${encodeURIComponent(toIso(since))}&until=${encodeURIComponent(toIso(now))}`
  const answer = (await (await fetch(url, { headers: auth(stack) })).json()) as unknown[]
  if (answer.length !== HISTORY_DAYS + 1) throw new Error(`/regime/history answered ${answer.length} outputs, expected ${HISTORY_DAYS + 1}`)
  const times: number[] = []
  const queryTimes: number[] = []
  for (let i = 0; i < HISTORY_RUNS; i++) {
    times.push(await timedGet(stack, url))
    queryTimes.push(await timedQuery(stack, dataWindow(since, now, config.method)))
  }
  return { p50: median(times), queryP50: median(queryTimes) }
}

async function benchCached(stack: LiquidityStack) {
  const url = `${stack.liquidityUrl}${API}/regime/latest`
  const answer = await (await fetch(url, { headers: auth(stack) })).text()
  await fetch(`${stack.bareUrl}/fixtures/regime-latest`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: answer })
  const load = { connections: CONNECTIONS, durationS: DURATION_S }
  const service = await warmThenRun({ ...load, url, headers: auth(stack) }, WARMUP_S)
  const baseline = await warmThenRun({ ...load, url: `${stack.bareUrl}/fixtures/regime-latest` }, WARMUP_S)
  return { service, baseline }
}

async function timedGet(stack: LiquidityStack, url: string): Promise<number> {
  const started = performance.now()
  const response = await fetch(url, { headers: auth(stack) })
  await response.arrayBuffer()
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: the run is not valid`)
  return performance.now() - started
}

/** The store's own part of an evaluation: the one POST /query the service sends. */
async function timedQuery(stack: LiquidityStack, window: { since: number; until: number }): Promise<number> {
  const body = JSON.stringify({ featureIds: FEEDS.map((feed) => feed.featureId), since: toIso(window.since), until: toIso(window.until), limit: QUERY_MAX_LIMIT })
  const started = performance.now()
  const response = await fetch(`${stack.storeUrl}/api/features/v1/query`, { method: 'POST', headers: { ...auth(stack), 'content-type': 'application/json' }, body })
  await response.arrayBuffer()
  if (!response.ok) throw new Error(`POST /query answered ${response.status}: the run is not valid`)
  return performance.now() - started
}

const auth = (stack: LiquidityStack) => ({ authorization: `Bearer ${stack.token}` })
const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 0.5)

runWhenMain(import.meta.url, runLiquidityBench)
