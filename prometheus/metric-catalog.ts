import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { expressionNames } from './promql-selectors'

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))
const SOURCE_DIRS = ['shared/src', 'feature-store-svc/src', 'gateway/src', 'liquidity-svc/src', 'export-worker/src']

export interface MetricDefinition {
  type: 'Counter' | 'Gauge' | 'Histogram' | 'Summary'
  labels: string[]
  file: string
}

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance']

/** Series Prometheus itself provides, not defined in the services' source. */
const BUILT_IN: Record<string, string[] | 'any'> = {
  up: TARGET_LABELS,
  // One series per alert, carrying the alert's own labels.
  ALERTS: 'any',
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/**
 * A constructor whose name is not a literal sits in a helper that takes the name as its first
 * argument (dq-service.ts: `const gauge = (name, help, value) => new Gauge({ name, … })`): the
 * metrics are the helper's calls with a literal first argument. A constructor read neither way
 * is an error, so a metric cannot silently drop out of the catalog.
 */
function helperMetricNames(text: string, at: number, file: string): string[] {
  const helper = [...text.slice(0, at).matchAll(/\b(?:const|function)\s+(\w+)\s*=?\s*(?:<[^>]*>)?\s*\(/g)].at(-1)?.[1]
  const names = helper ? [...text.matchAll(new RegExp(`\\b${helper}\\(\\s*'([a-zA-Z_:][\\w:]*)'`, 'g'))].map((call) => call[1] as string) : []
  if (names.length === 0) throw new Error(`${file}: cannot read the metric name of the constructor at offset ${at}`)
  return names
}

/**
 * Every prom-client metric the services register, read from their source: each
 * `new Counter|Gauge|Histogram|Summary({ name: '…', labelNames: [...] })`.
 */
export function loadMetricCatalog(): Map<string, MetricDefinition> {
  const catalog = new Map<string, MetricDefinition>()
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8')
    const constructors = [...text.matchAll(/new (Counter|Gauge|Histogram|Summary)\b/g)]
    constructors.forEach((found, index) => {
      // The options object of this constructor ends before the next one starts.
      const body = text.slice(found.index, constructors[index + 1]?.index ?? text.length)
      const literal = /\bname:\s*'([a-zA-Z_:][\w:]*)'/.exec(body)?.[1]
      const names = literal ? [literal] : helperMetricNames(text, found.index, file)
      const labels = [.../\blabelNames:\s*\[([^\]]*)\]/.exec(body)?.[1]?.matchAll(/'([^']+)'/g) ?? []].map((label) => label[1] as string)
      for (const name of names) {
        const previous = catalog.get(name)
        // feature_storage_size_bytes is registered by two services with the same labels.
        if (previous && previous.labels.join() !== labels.join()) throw new Error(`${name} is defined with labels [${previous.labels}] in ${previous.file} and [${labels}] in ${file}`)
        catalog.set(name, { type: found[1] as MetricDefinition['type'], labels, file })
      }
    })
  }
  return catalog
}

export interface RecordedSeries {
  /** Labels the recorded series may carry: its static labels and those of the series it reads. */
  labels: Set<string>
}

export interface RuleFile {
  file: string
  groups: { name: string; rules: Rule[] }[]
}

export interface Rule {
  alert?: string
  record?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export const RULES_DIR = join(REPO_ROOT, 'prometheus/rules')

export function loadRuleFiles(): RuleFile[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => ({ file: name, ...(parse(readFileSync(join(RULES_DIR, name), 'utf8')) as Omit<RuleFile, 'file'>) }))
}

export const allRules = (files: RuleFile[]): Rule[] => files.flatMap((file) => file.groups.flatMap((group) => group.rules))

/**
 * The names a PromQL expression may use: the services' metrics (with a histogram's _bucket,
 * _sum, _count series), Prometheus's own, and the recording rules of prometheus/rules.
 * Returns one message per unknown metric or label; empty when all is well.
 */
export function createNameChecker(catalog: Map<string, MetricDefinition>, rules: Rule[]) {
  const allowedLabels = (metric: string): string[] | 'any' | undefined => {
    const builtIn = BUILT_IN[metric]
    if (builtIn) return builtIn
    const recorded = recordedLabels.get(metric)
    if (recorded) return [...recorded]
    const histogramPart = /^(.*)_(bucket|sum|count)$/.exec(metric)
    const base = histogramPart && ['Histogram', 'Summary'].includes(catalog.get(histogramPart[1] as string)?.type ?? '') ? (histogramPart[1] as string) : metric
    const definition = catalog.get(base)
    if (!definition) return undefined
    // A metric's own "job" label collides with the target's: Prometheus renames it exported_job.
    const own = definition.labels.map((label) => (label === 'job' ? 'exported_job' : label))
    return [...own, ...TARGET_LABELS, ...(base !== metric && histogramPart?.[2] === 'bucket' ? ['le'] : [])]
  }

  const recordedLabels = new Map<string, Set<string>>()
  const problems = (expr: string): string[] => {
    const { selectors, groupingLabels } = expressionNames(expr)
    const messages: string[] = []
    const usable = new Set<string>(TARGET_LABELS)
    for (const { metric, labels } of selectors) {
      const allowed = allowedLabels(metric)
      if (allowed === undefined) {
        messages.push(`unknown metric ${metric}`)
        continue
      }
      if (allowed === 'any') continue
      allowed.forEach((label) => usable.add(label))
      for (const label of labels) if (!allowed.includes(label)) messages.push(`${metric} has no label ${label} (it has ${allowed.join(', ')})`)
    }
    if (selectors.every(({ metric }) => allowedLabels(metric) !== 'any')) {
      for (const label of groupingLabels) if (!usable.has(label)) messages.push(`grouping label ${label} is on none of the series of the expression`)
    }
    return messages
  }

  // Recording rules may read each other, so their labels are gathered before anything is checked.
  for (const rule of rules) {
    if (!rule.record) continue
    const labels = recordedLabels.get(rule.record) ?? new Set<string>()
    Object.keys(rule.labels ?? {}).forEach((label) => labels.add(label))
    for (const { metric } of expressionNames(rule.expr).selectors) {
      const allowed = metric === rule.record ? [] : allowedLabels(metric)
      if (Array.isArray(allowed)) allowed.forEach((label) => labels.add(label))
    }
    TARGET_LABELS.forEach((label) => labels.add(label))
    recordedLabels.set(rule.record, labels)
  }
  return problems
}
