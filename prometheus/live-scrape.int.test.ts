import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDashboards, queryPanels, resolveVariables } from '../grafana/dashboard-queries'
import { startLiveStack, type LiveStack } from './live-stack'
import { allRules, loadRuleFiles } from './metric-catalog'
import { requirePrometheusBinary, startPrometheus, waitFor, type PrometheusServer, type QueryAnswer } from './prometheus-server'
import { expressionNames } from './promql-selectors'

/**
 * Issue 6: a real Prometheus (Debian's package) scrapes the four services running in this
 * process, then every panel query of both dashboards and every rule expression is evaluated
 * through its HTTP API. Scrapes and rule evaluations run every second, so a minute-long range
 * holds enough samples for rate() a few seconds after the start.
 */
const SCRAPE_SECONDS = 1
// Each wait is bounded; the two long ones (targets, data) fit in the 60 s of beforeAll together.
const WAIT_MS = 20_000
// What Grafana would put for $__rate_interval and the like, and for "All" of a template variable.
const resolve = (expr: string) => resolveVariables(expr, { interval: '1m', templateValue: '.*' })

/** The core panels must return data; the ingest rate must be above zero. */
const CORE_PANELS: Record<string, string[]> = {
  'liquidity_regime.json': ['LAV_LIQ_SCORE', 'Regime state', 'Regime state over time'],
  'feature_store_qa.json': ['Accepted points per hour', 'Freshness p95', 'Freshness by feature', 'Freshness p95 and max'],
}
const INGEST_RATE_PANEL = 'Accepted points per hour'

const dashboards = loadDashboards()
const panelQueries = dashboards.flatMap(({ file, board }) =>
  queryPanels(board).flatMap((panel) => (panel.targets ?? []).map((target) => ({ file, panel, target, name: `${file} › ${panel.title} ${target.refId}`, expr: resolve(target.expr ?? '') }))),
)
const rules = allRules(loadRuleFiles())

let dir: string
let stack: LiveStack | undefined
let prometheus: PrometheusServer | undefined
let scrapingSince: number

const server = () => prometheus as PrometheusServer
const results = (answer: QueryAnswer) => (answer.status === 'success' ? answer.data.result : [])
const problem = (answer: QueryAnswer) => (answer.status === 'error' ? `${answer.errorType}: ${answer.error}` : undefined)

beforeAll(async () => {
  requirePrometheusBinary()
  dir = mkdtempSync(join(tmpdir(), 'lav-live-scrape-'))
  stack = await startLiveStack()
  prometheus = await startPrometheus({ dir, targets: stack.targets, intervalSeconds: SCRAPE_SECONDS, readyTimeoutMs: WAIT_MS })
  scrapingSince = Date.now() / 1000
  await waitForTargetsUp([...Object.keys(stack.targets), 'prometheus'])
  await generateTraffic(stack)
  // A few scrapes after the traffic, the ingest rate moves and every core panel has data. A
  // query error will not go away by waiting; on a timeout, the core-panel test says what is missing.
  await waitFor('the core panels to return data', WAIT_MS, async () => ((await checkCorePanels()).some((check) => check.state === 'empty') ? undefined : true)).catch(() => undefined)
}, 60_000)

afterAll(async () => {
  await prometheus?.stop()
  await stack?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** The four services and Prometheus itself; targets appear after the first service-discovery sync (~5 s). */
async function waitForTargetsUp(jobs: string[]): Promise<void> {
  let down = ''
  await waitFor(
    'every target to be up',
    WAIT_MS,
    async () => {
      const targets = await server().targets()
      const up = new Set(targets.filter((target) => target.health === 'up').map((target) => target.labels.job))
      down = targets.filter((target) => target.health !== 'up').map((target) => `${target.labels.job} ${target.scrapeUrl}: ${target.health} ${target.lastError}`).join('; ')
      return jobs.every((job) => up.has(job)) ? true : undefined
    },
    () => `${down}\n${server().output()}`,
  )
}

/** A few published points (one of them rejected as out of range) and reads, all through the gateway. */
async function generateTraffic(live: LiveStack): Promise<void> {
  const now = Date.now()
  const at = (msAgo: number) => new Date(now - msAgo).toISOString()
  const result = await live.publisher.publish([
    { featureId: 'cex/agg/spot_depth_2pct_usd', ts: at(0), value: 1.5e9 },
    { featureId: 'crypto/btc/spot_price_usd', ts: at(0), value: 65_000 },
    { featureId: 'crypto/eth/spot_price_usd', ts: at(0), value: 3_000 },
    { featureId: 'crypto/eth/spot_price_usd', ts: at(3_600_000), value: 5e6 },
  ])
  expect(result).toMatchObject({ accepted: 3, rejected: 1 })
  const headers = { authorization: `Bearer ${live.readerToken}` }
  for (const path of ['/api/liquidity/v1/regime/latest', '/api/liquidity/v1/scoreboard', '/api/features/v1/latest?featureId=cex%2Fagg%2Fperp_oi_usd']) {
    const response = await fetch(`${live.gatewayUrl}${path}`, { headers })
    expect(response.status, path).toBe(200)
  }
}

type CoreCheck = { name: string; state: 'ok' | 'empty' | 'error'; detail: string }

async function checkCorePanels(): Promise<CoreCheck[]> {
  const checks: CoreCheck[] = []
  for (const query of panelQueries.filter(({ file, panel }) => CORE_PANELS[file]?.includes(panel.title))) {
    const answer = await server().query(query.expr)
    const series = results(answer)
    const error = problem(answer)
    if (error) checks.push({ name: query.name, state: 'error', detail: error })
    else if (series.length === 0) checks.push({ name: query.name, state: 'empty', detail: 'no series' })
    else if (query.panel.title === INGEST_RATE_PANEL && !series.some((sample) => Number(sample.value?.[1]) > 0)) checks.push({ name: query.name, state: 'empty', detail: 'every rate is 0' })
    else checks.push({ name: query.name, state: 'ok', detail: '' })
  }
  return checks
}

describe('a real Prometheus scraping the running stack', () => {
  it('scrapes the four services and loads every rule group', async () => {
    const jobs = (await server().targets()).filter((target) => target.health === 'up').map((target) => target.labels.job)
    expect(jobs.sort()).toEqual(['export-worker', 'feature-store-svc', 'gateway', 'liquidity-svc', 'prometheus'])
    const loaded = await server().rules()
    expect(loaded.map((rule) => rule.name).sort()).toEqual(rules.map((rule) => rule.alert ?? rule.record).sort())
  })

  it('evaluates every panel query of both dashboards without error, instant and over a range', async () => {
    const end = Date.now() / 1000
    const errors: string[] = []
    for (const query of panelQueries) {
      const instant = problem(await server().query(query.expr))
      if (instant) errors.push(`${query.name} (instant): ${instant}\n  ${query.expr}`)
      if (query.target.range === false) continue
      const ranged = problem(await server().queryRange(query.expr, { start: scrapingSince, end, stepSeconds: SCRAPE_SECONDS }))
      if (ranged) errors.push(`${query.name} (range): ${ranged}\n  ${query.expr}`)
    }
    expect(panelQueries.length).toBeGreaterThan(40)
    expect(errors).toEqual([])
  })

  it('evaluates every alert and recording expression without error, through the API and in its rule group', async () => {
    const errors: string[] = []
    for (const rule of rules) {
      const failure = problem(await server().query(rule.expr))
      if (failure) errors.push(`${rule.alert ?? rule.record}: ${failure}`)
    }
    for (const rule of await server().rules()) if (rule.health === 'err') errors.push(`${rule.name} in its group: ${rule.lastError}`)
    expect(errors).toEqual([])
  })

  it('returns data for the core panels: score, state, ingest rate (above zero) and freshness', async () => {
    for (const [file, titles] of Object.entries(CORE_PANELS)) {
      for (const title of titles) expect(panelQueries.some((query) => query.file === file && query.panel.title === title), `${file} has no panel "${title}"`).toBe(true)
    }
    const checks = await checkCorePanels()
    expect(checks.filter((check) => check.state !== 'ok').map((check) => `${check.name}: ${check.detail}`)).toEqual([])
  })

  it('finds every metric the rules and dashboards name on a scraped service', async () => {
    const exported = await server().metricNames()
    const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])))
    const named = new Set([...rules.map((rule) => rule.expr), ...panelQueries.map((query) => query.expr)].flatMap((expr) => expressionNames(expr).selectors.map((selector) => selector.metric)))
    const base = (metric: string) => (exported.has(metric) ? metric : metric.replace(/_(bucket|sum|count)$/, ''))
    const unknown = [...named].filter((metric) => !recorded.has(metric) && !['up', 'ALERTS'].includes(metric) && !exported.has(base(metric)))
    expect(unknown).toEqual([])
  })
})
