import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'

/** How a row passes: a minimum or maximum ratio to its baseline, or a maximum absolute result. */
export type Target = { kind: 'min-ratio'; value: number } | { kind: 'max-ratio'; value: number } | { kind: 'max-result'; value: number }

export interface Row {
  name: string
  unit: string
  result: number
  baseline: number
  /** result / baseline, for rates and latencies alike; the README says how to read each. */
  ratio: number
  target: string
  pass: boolean | null
}

export function row(name: string, unit: string, result: number, baseline: number, target?: Target): Row {
  const ratio = result / baseline
  if (!target) return { name, unit, result, baseline, ratio, target: '—', pass: null }
  const pass = target.kind === 'min-ratio' ? ratio >= target.value : target.kind === 'max-ratio' ? ratio <= target.value : result < target.value
  const text = target.kind === 'min-ratio' ? `ratio ≥ ${target.value}` : target.kind === 'max-ratio' ? `ratio ≤ ${target.value}` : `< ${target.value} ${unit}`
  return { name, unit, result, baseline, ratio, target: text, pass }
}

export function printTable(rows: Row[]): void {
  const header = ['benchmark', 'result', 'baseline', 'ratio', 'target', 'pass']
  const lines = rows.map((r) => [r.name, `${format(r.result)} ${r.unit}`, `${format(r.baseline)} ${r.unit}`, r.ratio.toFixed(2), r.target, verdict(r.pass)])
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)))
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 || i >= 4 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
  console.log(`\n${render(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
  for (const line of lines) console.log(render(line))
}

export function writeJson(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return value.toFixed(2)
}

function verdict(pass: boolean | null): string {
  return pass === null ? '—' : pass ? 'PASS' : 'FAIL'
}

/** Runs a bench on its own when its file is the entry point (`npx tsx bench/x.bench.ts`). */
export function runWhenMain(moduleUrl: string, bench: () => Promise<Row[]>): void {
  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== moduleUrl) return
  bench()
    .then((rows) => {
      printTable(rows)
      process.exit(0)
    })
    .catch((error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error)
      process.exit(1)
    })
}
