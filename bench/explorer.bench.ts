import { existsSync } from 'node:fs'
import type { FeatureSpecInput } from '@lav/shared/contracts'
import { HOUR_MS } from '@lav/shared/time'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../test/support/browser'
import { startChildStack } from './support/child-stack'
import { percentile } from './support/load-stats'
import { row, runWhenMain, type Row } from './support/report'

const EXTRA_FEATURES = 2_000
const CHART_FEATURE = 'bench/explorer/hourly_usd'
const CHART_DAYS = 90
const WARM_RUNS = 1
const RUNS = 7

interface ExplorerBenchStack {
  storeUrl: string
  gatewayUrl: string
  token: string
  stop(): Promise<void>
}

/**
 * The feature explorer in headless Chromium, each figure beside the API calls it needs measured
 * from the same page: time to the grid's first render with the seed catalog plus 2,000 features
 * (beside GET /catalog alone), to every row's health badge (beside GET /catalog + GET /dq), and to
 * a 90-day hourly chart opened from a link (beside its four calls: spec, latest, query, DQ).
 * Times run from navigation, so they include loading the page; marks are the page's own.
 */
export async function runExplorerBench(env: NodeJS.ProcessEnv = process.env): Promise<Row[]> {
  if (!existsSync(env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    console.warn('explorer: skipped, no Chromium (apt-get install chromium, or set CHROMIUM_PATH)')
    return []
  }
  const stack = await startExplorerBenchStack(env)
  const browser = await launchChromium()
  try {
    const features = await seed(stack)
    const catalogCall = '/api/features/v1/catalog'
    const dqCall = '/api/features/v1/dq'
    const grid = await measure(browser, stack, '', 'explorer:grid', [catalogCall])
    const health = await measure(browser, stack, '', 'explorer:health', [catalogCall, dqCall])
    const since = new Date(Date.now() - CHART_DAYS * 24 * HOUR_MS).toISOString()
    const chartCalls = [
      `/api/features/v1/catalog/${encodeURIComponent(CHART_FEATURE)}`,
      `/api/features/v1/latest?featureId=${encodeURIComponent(CHART_FEATURE)}`,
      { path: '/api/features/v1/query', body: { featureIds: [CHART_FEATURE], since, limit: 100_000 } },
      `/api/features/v1/dq?featureId=${encodeURIComponent(CHART_FEATURE)}&since=${encodeURIComponent(since)}`,
    ]
    const chart = await measure(browser, stack, `?feature=${encodeURIComponent(CHART_FEATURE)}&window=90d&q=hourly_usd`, 'explorer:chart', chartCalls)
    const count = features.toLocaleString('en-US')
    return [
      row(`explorer: grid first render, ${count} features, p50 vs GET /catalog alone`, 'ms', grid.page, grid.calls),
      row(`explorer: grid with every health badge, ${count} features, p50 vs GET /catalog + GET /dq alone`, 'ms', health.page, health.calls),
      row(`explorer: ${CHART_DAYS}-day hourly chart first render (${CHART_DAYS * 24} pts), p50 vs its four calls alone`, 'ms', chart.page, chart.calls),
    ]
  } finally {
    await browser.close()
    await stack.stop()
  }
}

/** feature-store-svc on a bench database of its own and the gateway in front of it (no Redis). */
async function startExplorerBenchStack(env: NodeJS.ProcessEnv): Promise<ExplorerBenchStack> {
  const stack = await startChildStack(env)
  try {
    // /healthz: the gateway's readiness also asks liquidity-svc, which the explorer never calls.
    const gatewayEnv = (port: number) => ({ ...stack.base, FEATURE_STORE_URL: stack.store.url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), FEATURE_API_RATE_LIMIT_RPM: String(1_000_000_000) })
    const gateway = await stack.start('gateway', 'gateway/src/server.ts', gatewayEnv, '/healthz')
    return { storeUrl: stack.store.url, gatewayUrl: gateway.url, token: stack.token('oracle.reader oracle.publisher oracle.admin'), stop: stack.stop }
  } catch (error) {
    await stack.stop()
    throw error
  }
}

/** 2,000 features through POST /catalog, a point for every third, and 90 days hourly for one. */
async function seed(stack: ExplorerBenchStack): Promise<number> {
  const specs = Array.from({ length: EXTRA_FEATURES }, (_, i) => spec(`bench/set_${i % 20}/feature_${String(i).padStart(5, '0')}`, [`group-${i % 10}`]))
  specs.push(spec(CHART_FEATURE, ['chart']))
  let next = 0
  const worker = async () => {
    while (next < specs.length) await call(stack, '/api/features/v1/catalog', specs[next++])
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  const now = Date.now()
  const last = Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS
  const hourly = Array.from({ length: CHART_DAYS * 24 }, (_, i) => ({ featureId: CHART_FEATURE, ts: new Date(last - i * HOUR_MS).toISOString(), value: 1000 + Math.sin(i / 24) * 100 }))
  const sparse = specs.filter((_, i) => i % 3 === 0).map((entry) => ({ featureId: entry.id, ts: new Date(now - HOUR_MS).toISOString(), value: 1 }))
  await call(stack, '/api/features/v1/publish', [...hourly, ...sparse])
  const catalog = (await (await fetch(`${stack.gatewayUrl}/api/features/v1/catalog`, { headers: { authorization: `Bearer ${stack.token}` } })).json()) as unknown[]
  return catalog.length
}

function spec(id: string, tags: string[]): FeatureSpecInput {
  return { id, entity: 'market', description: `bench feature ${id}`, unit: 'USD', frequency: '1h', ttl_ms: 2 * HOUR_MS, tags, source: { id: 'bench', class: 'derived', schema: 'bench_v1' }, active: true }
}

async function call(stack: ExplorerBenchStack, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.storeUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`)
}

type Call = string | { path: string; body: unknown }

/**
 * p50 over fresh pages (no cache) of the time from navigation to the page's mark, and p50 of the
 * same API calls made in parallel from that page once it has settled (fetch + JSON parse, nothing
 * drawn).
 */
async function measure(browser: Browser, stack: ExplorerBenchStack, search: string, mark: string, calls: Call[]) {
  const pageTimes: number[] = []
  const callTimes: number[] = []
  const marked = (names: string[]) => names.every((name) => performance.getEntriesByName(name).length > 0)
  for (let run = 0; run < WARM_RUNS + RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
    await page.goto(`${stack.gatewayUrl}/dashboard/explorer.html${search}#token=${stack.token}`)
    // Settled: the grid with its health and, when one is open, the feature's chart.
    await page.waitForFunction(marked, [mark, 'explorer:health'], { timeout: 60_000 })
    const rendered = await page.evaluate((name) => (performance.getEntriesByName(name)[0] as PerformanceEntry).startTime, mark)
    const alone = await page.evaluate(timeCalls, { calls, token: stack.token })
    await page.close()
    if (run < WARM_RUNS) continue
    pageTimes.push(rendered)
    callTimes.push(alone)
  }
  const p50 = (values: number[]) => percentile(Float64Array.from(values).sort(), 0.5)
  return { page: p50(pageTimes), calls: p50(callTimes) }
}

/** Runs in the page: the calls in parallel, as the explorer makes them. */
async function timeCalls({ calls, token }: { calls: Call[]; token: string }): Promise<number> {
  const headers = { authorization: `Bearer ${token}` }
  const started = performance.now()
  await Promise.all(
    calls.map(async (entry) => {
      const init = typeof entry === 'string' ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(entry.body) }
      const response = await fetch(typeof entry === 'string' ? entry : entry.path, init)
      if (!response.ok) throw new Error(`${typeof entry === 'string' ? entry : entry.path} answered ${response.status}`)
      await response.json()
    }),
  )
  return performance.now() - started
}

runWhenMain(import.meta.url, runExplorerBench)
