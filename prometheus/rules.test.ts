import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { allRules, createNameChecker, loadMetricCatalog, loadRuleFiles, REPO_ROOT } from './metric-catalog'
import { expressionNames } from './promql-selectors'

const rules = allRules(loadRuleFiles())
const alerts = rules.filter((rule) => rule.alert)
const catalog = loadMetricCatalog()

/** The alerts of issue 6 with their original criticalities (LavTargetDown and FeatureCacheUnsynced were added to them). */
const EXPECTED_SEVERITY: Record<string, string> = {
  LiquidityRegimeFlippedToRojo: 'P1',
  LiquidityFeedStale: 'P1',
  LiquidityComponentDivergence: 'P2',
  LiquidityRegimeFlapping: 'P3',
  LiquidityLowConfidence: 'P3',
  FeatureCoverageLow: 'P4',
  ApiLatencyHigh: 'P4',
  FeatureIngestFailureRatioHigh: 'P4',
  ExportLagHigh: 'P4',
  GatewayCircuitOpen: 'P4',
  GatewayRateLimitBypassed: 'P4',
  LavTargetDown: 'P2',
  FeatureCacheUnsynced: 'P3',
}

describe('promql-selectors', () => {
  it('finds metric names and labels, not functions, keywords, durations or variables', () => {
    const names = expressionNames(
      'histogram_quantile(0.95, sum by (job, le) (rate(a_bucket{route!~"/x|$v"}[$__rate_interval]))) > on (feature) group_left (c) max without (b) (c:d:e offset 5m) or vector(1e3)',
    )
    expect(names.selectors).toEqual([
      { metric: 'a_bucket', labels: ['route'] },
      { metric: 'c:d:e', labels: [] },
    ])
    expect(names.groupingLabels).toEqual(['job', 'le', 'feature', 'c', 'b'])
  })
})

describe('the metric catalog read from the services', () => {
  it('holds the metrics of every service', () => {
    for (const name of ['http_request_duration_seconds', 'feature_ingest_total', 'feature_freshness_seconds', 'feature_ttl_seconds', 'gateway_circuit_state', 'liquidity_score', 'liquidity_confidence', 'export_lag_seconds']) {
      expect(catalog.has(name), name).toBe(true)
    }
    expect(catalog.get('liquidity_component_zscore')?.labels).toEqual(['component', 'feature'])
    // Registered through dq-service.ts's gauge() helper rather than with a literal name.
    expect(catalog.get('feature_range_violations')?.labels).toEqual(['feature'])
  })
})

describe('alert rules', () => {
  it('are the alerts of the issue, with their severities', () => {
    expect(Object.fromEntries(alerts.map((rule) => [rule.alert, rule.labels?.severity]))).toEqual(EXPECTED_SEVERITY)
  })

  it('name only metrics and labels the services export', () => {
    const check = createNameChecker(catalog, rules)
    const problems = rules.flatMap((rule) => check(rule.expr).map((problem) => `${rule.alert ?? rule.record}: ${problem}`))
    expect(problems).toEqual([])
  })

  it('each link to its section of docs/runbooks.md', () => {
    const runbooks = readFileSync(join(REPO_ROOT, 'docs/runbooks.md'), 'utf8')
    for (const rule of alerts) {
      const name = rule.alert as string
      expect(rule.annotations?.summary, name).toBeTruthy()
      expect(rule.annotations?.description, name).toBeTruthy()
      expect(rule.annotations?.runbook_url, name).toBe(`docs/runbooks.md#${name.toLowerCase()}`)
      expect(runbooks, `docs/runbooks.md has no "## ${name}"`).toMatch(new RegExp(`^## ${name}$`, 'm'))
    }
  })

  it('each have a promtool case where they fire and one where they stay silent', () => {
    type Case = { alertname: string; exp_alerts?: unknown[] }
    const cases = readdirSync(join(REPO_ROOT, 'prometheus/tests'))
      .filter((name) => name.endsWith('.yml'))
      .flatMap((name) => (parse(readFileSync(join(REPO_ROOT, 'prometheus/tests', name), 'utf8')) as { tests: { alert_rule_test?: Case[] }[] }).tests)
      .flatMap((test) => test.alert_rule_test ?? [])
    for (const rule of alerts) {
      const mine = cases.filter((c) => c.alertname === rule.alert)
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${rule.alert} never fires in prometheus/tests`).toBe(true)
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${rule.alert} is never checked silent in prometheus/tests`).toBe(true)
    }
  })
})

describe('the liquidity feeds of the rules', () => {
  type Feed = { featureId: string; component: string }
  const feeds = JSON.parse(readFileSync(join(REPO_ROOT, 'liquidity-svc/feeds/liquidity.feeds.json'), 'utf8')) as Feed[]

  it('are the feeds of liquidity-svc, each with its component', () => {
    const listed = rules
      .filter((rule) => rule.record === 'lav:liquidity_feed:info')
      .map((rule) => ({ featureId: rule.labels?.feature, component: rule.labels?.component, expr: rule.expr.trim() }))
    expect(listed).toEqual(feeds.map(({ featureId, component }) => ({ featureId, component, expr: 'vector(1)' })))
  })
})
