import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { allRules, createNameChecker, loadMetricCatalog, loadRuleFiles, REPO_ROOT } from '../prometheus/metric-catalog'
import { runTool } from '../prometheus/tools'
import { loadDashboards, queryPanels, resolveVariables } from './dashboard-queries'

const dashboards = loadDashboards()
const datasources = parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string }[] }
const datasourceUid = datasources.datasources[0]?.uid

const resolve = (expr: string) => resolveVariables(expr, { interval: '1m', templateValue: '.+' })

describe.each(dashboards)('$file', ({ file, board }) => {
  it('is a dashboard Grafana 11 loads: schemaVersion 39+, uid, unique panel ids, 24-column grid', () => {
    expect(board.schemaVersion).toBeGreaterThanOrEqual(39)
    expect(board.uid).toMatch(/^[a-z0-9-]{1,40}$/)
    const ids = board.panels.map((panel) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const { title, gridPos } of board.panels) expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24)
  })

  it('queries the provisioned Prometheus by uid in every panel and target', () => {
    expect(datasourceUid).toBe('lav-prometheus')
    for (const panel of queryPanels(board)) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: datasourceUid })
      for (const target of panel.targets ?? []) expect(target.datasource, `${panel.title} ${target.refId}`).toEqual(panel.datasource)
    }
    for (const variable of board.templating.list) if (variable.type === 'query') expect(variable.datasource?.uid, variable.name).toBe(datasourceUid)
  })

  it('has a PromQL expr in every panel, naming only metrics and labels the services export', () => {
    const check = createNameChecker(loadMetricCatalog(), allRules(loadRuleFiles()))
    const problems: string[] = []
    for (const panel of queryPanels(board)) {
      const targets = panel.targets ?? []
      if (targets.length === 0) problems.push(`${panel.title}: no query`)
      for (const target of targets) {
        if (!target.expr?.trim()) problems.push(`${panel.title} ${target.refId}: no expr`)
        else problems.push(...check(target.expr).map((problem) => `${panel.title} ${target.refId}: ${problem}`))
      }
    }
    for (const variable of board.templating.list) {
      const inner = /^label_values\((.+),\s*\w+\)$/.exec(variable.query?.query ?? '')?.[1]
      if (variable.type === 'query') problems.push(...(inner ? check(inner) : [`unsupported query ${variable.query?.query}`]).map((problem) => `$${variable.name}: ${problem}`))
    }
    expect(problems, file).toEqual([])
  })
})

describe('dashboard queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lav-dashboards-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // promtool parses rule expressions, so each panel query becomes a recording rule to be checked.
  it('are valid PromQL (promtool check rules)', () => {
    const rules = dashboards.flatMap(({ board }) =>
      queryPanels(board).flatMap((panel) => (panel.targets ?? []).map((target) => ({ record: `panel_${board.uid.replaceAll('-', '_')}_${panel.id}_${target.refId}`, expr: resolve(target.expr ?? '') }))),
    )
    const file = join(dir, 'dashboard-queries.yml')
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard-queries', rules }] }))
    const { status, output } = runTool('promtool', ['check', 'rules', file], { cwd: dir })
    expect(status, output).toBe(0)
  })
})

describe('provisioning', () => {
  it('loads the dashboards from the folder docker-compose.yml mounts them in', () => {
    const provider = (parse(readFileSync(join(REPO_ROOT, 'grafana/provisioning/dashboards/dashboards.yml'), 'utf8')) as { providers: { options: { path: string } }[] }).providers[0]
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: { grafana: { volumes: string[] } } }
    expect(compose.services.grafana.volumes).toContain(`./grafana/dashboards:${provider?.options.path}:ro`)
    expect(compose.services.grafana.volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro')
  })
})
