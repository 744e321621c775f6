import type { RouteReport } from './fuzz-runner'

/** A plain-text table of the fuzz run: one row per route. */
export function formatReports(reports: RouteReport[]): string {
  const header = ['route', 'cases', '2xx', '4xx', '5xx', '4xx w/o message', 'partial writes', 'time']
  const rows = reports.map((r) => [r.route, r.cases, r.ok2xx, r.client4xx, r.server5xx, r.noMessage, r.partialWrites, `${(r.ms / 1000).toFixed(1)} s`].map(String))
  const total = (pick: (r: RouteReport) => number) => String(reports.reduce((sum, r) => sum + pick(r), 0))
  rows.push(['all routes', total((r) => r.cases), total((r) => r.ok2xx), total((r) => r.client4xx), total((r) => r.server5xx), total((r) => r.noMessage), total((r) => r.partialWrites), `${(reports.reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s`])
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)))
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
  const failures = reports.flatMap((r) => r.failures.map((failure) => `  ${r.route}: ${failure}`))
  const samples = process.env.FUZZ_VERBOSE === '1' ? ['4xx samples:', ...reports.flatMap((r) => r.samples.map((sample) => `  ${sample}`))] : []
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...(failures.length ? ['failures:', ...failures] : []), ...samples].join('\n')
}
