import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../prometheus/metric-catalog'

export type Datasource = { type: string; uid: string }
export type Target = { refId: string; expr?: string; range?: boolean; instant?: boolean; datasource?: Datasource }
export type Panel = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; datasource?: Datasource; targets?: Target[] }
export type Variable = { name: string; type: string; query?: { query: string }; datasource?: { uid: string } }
export type Dashboard = { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Variable[] } }

export const DASHBOARD_FILES = ['feature_store_qa.json', 'liquidity_regime.json']

export const loadDashboards = () =>
  DASHBOARD_FILES.map((file) => ({ file, board: JSON.parse(readFileSync(join(REPO_ROOT, 'grafana/dashboards', file), 'utf8')) as Dashboard }))

/** The panels that query (rows only group them). */
export const queryPanels = (board: Dashboard) => board.panels.filter((panel) => panel.type !== 'row')

/**
 * Grafana's variables replaced by what Grafana would send Prometheus: its interval variables
 * ($__rate_interval, $__interval, $__range…) by `interval`, and the dashboard's template
 * variables ($feature, ${feature}, [[feature]]) by `templateValue`, the regex of "All".
 */
export function resolveVariables(expr: string, values: { interval: string; templateValue: string }): string {
  return expr.replace(/\$__\w+|\$\{__\w+(?::\w+)?\}/g, values.interval).replace(/\$\{\w+(?::\w+)?\}|\$\w+|\[\[\w+\]\]/g, values.templateValue)
}
