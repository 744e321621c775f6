import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { freePort } from '../test/support/redis-server'
import { REPO_ROOT } from './metric-catalog'

/** Debian's package `prometheus` installs the server here; .ci/run installs the package. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus'

/** A missing server is a failure, never a skip: CI must not pass because the check did not run. */
export function requirePrometheusBinary(): void {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(`${PROMETHEUS_BINARY} is missing: install Debian's package prometheus (apt-get install -y --no-install-recommends prometheus); .ci/run installs it`)
  }
}

export type Sample = { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }
export type QueryAnswer = { status: 'success'; data: { resultType: string; result: Sample[] } } | { status: 'error'; errorType: string; error: string }
export type ActiveTarget = { labels: Record<string, string>; health: 'up' | 'down' | 'unknown'; lastError: string; scrapeUrl: string }
export type RuleState = { name: string; query: string; health: 'ok' | 'err' | 'unknown'; lastError?: string; type: 'alerting' | 'recording' }

export interface PrometheusServer {
  url: string
  query(expr: string): Promise<QueryAnswer>
  queryRange(expr: string, range: { start: number; end: number; stepSeconds: number }): Promise<QueryAnswer>
  targets(): Promise<ActiveTarget[]>
  rules(): Promise<RuleState[]>
  /** Metric names with metadata (HELP / TYPE) on some target, samples or not. */
  metricNames(): Promise<Set<string>>
  /** The server's last output lines, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * prometheus/prometheus.yml with its targets replaced by `targets` (by job name), every interval
 * at `intervalSeconds` and the rules of prometheus/rules. Every job of the file must have a
 * target, so a job added there is scraped here too; the `prometheus` job scrapes itself.
 */
export function liveConfig(targets: Record<string, string>, selfAddress: string, intervalSeconds: number): string {
  const config = parse(readFileSync(join(REPO_ROOT, 'prometheus/prometheus.yml'), 'utf8')) as { global: Record<string, unknown>; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }
  const jobs = config.scrape_configs.map((job) => job.job_name)
  const missing = [...jobs.filter((job) => job !== 'prometheus' && !targets[job]), ...Object.keys(targets).filter((job) => !jobs.includes(job))]
  if (missing.length > 0) throw new Error(`the live stack and prometheus/prometheus.yml disagree on the jobs: ${missing.join(', ')}`)
  const interval = `${intervalSeconds}s`
  return stringify({
    global: { ...config.global, scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: [join(REPO_ROOT, 'prometheus/rules/*.yml')],
    scrape_configs: config.scrape_configs.map((job) => ({ ...job, static_configs: [{ targets: [job.job_name === 'prometheus' ? selfAddress : (targets[job.job_name] as string)] }] })),
  })
}

/** Starts the server on a free port with a fresh TSDB under `dir`; resolves once /-/ready answers. */
export async function startPrometheus(options: { dir: string; targets: Record<string, string>; intervalSeconds: number; readyTimeoutMs: number }): Promise<PrometheusServer> {
  requirePrometheusBinary()
  const address = `127.0.0.1:${await freePort()}`
  const configFile = join(options.dir, 'prometheus.yml')
  writeFileSync(configFile, liveConfig(options.targets, address, options.intervalSeconds))
  const child = spawn(PROMETHEUS_BINARY, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(options.dir, 'data')}`, `--web.listen-address=${address}`], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const keep = (data: Buffer) => {
    lines.push(...data.toString().split('\n').filter(Boolean))
    lines.splice(0, Math.max(0, lines.length - 30))
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const output = () => lines.join('\n')
  const server = createClient(`http://${address}`, child, output)
  try {
    await waitFor(`Prometheus on ${address} to be ready`, options.readyTimeoutMs, async () => {
      if (child.exitCode !== null) throw new Error(`Prometheus exited with code ${child.exitCode}:\n${output()}`)
      const response = await fetch(`${server.url}/-/ready`).catch(() => undefined)
      return response?.ok ? true : undefined
    })
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}

function createClient(url: string, child: ChildProcess, output: () => string): PrometheusServer {
  const api = async <T>(path: string, body?: Record<string, string>): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}`, body ? { method: 'POST', body: new URLSearchParams(body) } : {})
    return (await response.json()) as T
  }
  return {
    url,
    query: (expr) => api<QueryAnswer>('query', { query: expr }),
    queryRange: (expr, { start, end, stepSeconds }) => api<QueryAnswer>('query_range', { query: expr, start: String(start), end: String(end), step: String(stepSeconds) }),
    targets: async () => (await api<{ data: { activeTargets: ActiveTarget[] } }>('targets?state=active')).data.activeTargets,
    rules: async () => (await api<{ data: { groups: { rules: RuleState[] }[] } }>('rules')).data.groups.flatMap((group) => group.rules),
    metricNames: async () => new Set(Object.keys((await api<{ data: Record<string, unknown> }>('metadata')).data)),
    output,
    stop: () => stopChild(child),
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * Polls `probe` every 250 ms until it returns a value; fails after `timeoutMs` with the last
 * reason it gave (a thrown error ends the wait at once).
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, reason: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${reason() ? `: ${reason()}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
