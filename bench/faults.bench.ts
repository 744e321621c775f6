import { fileURLToPath, pathToFileURL } from 'node:url'
import { startFaultStack, type FaultStack, type FaultStackOptions } from '../test/faults/support/fault-stack'
import type { LoadSummary } from '../test/faults/support/load'
import { runPostgresCrash } from '../test/faults/support/postgres-crash'
import { runRedisRestart } from '../test/faults/support/redis-restart'
import { runStoreKilled } from '../test/faults/support/store-killed'
import { writeJson } from './support/report'

const RESULTS_PATH = fileURLToPath(new URL('./results/faults.json', import.meta.url))

export interface FaultRow {
  fault: string
  sent: number
  answered: number
  acknowledged: number | null
  lost: number | null
  status5xx: number
  status503: number
  notes: string
}

const row = (fault: string, summary: LoadSummary, acknowledged: number | null, lost: number | null, notes: string): FaultRow => ({
  fault,
  sent: summary.sent,
  answered: summary.answered,
  acknowledged,
  lost,
  status5xx: summary.status5xx,
  status503: summary.status503,
  notes,
})

/** Each scenario of test/faults on a stack of its own, with a larger load than the tests'. */
async function withStack<T>(options: FaultStackOptions, run: (stack: FaultStack) => Promise<T>): Promise<T> {
  const stack = await startFaultStack(options)
  try {
    return await run(stack)
  } finally {
    await stack.stop()
  }
}

export async function runFaultsBench(): Promise<FaultRow[]> {
  const rows: FaultRow[] = []
  const details: Record<string, unknown> = {}
  console.log('[faults] PostgreSQL crashed under publish load (16 clients)')
  await withStack({}, async (stack) => {
    const r = await runPostgresCrash(stack, { clients: 16, okBefore: 500, okAfter: 500, failuresDuring: 100, maxMs: 300_000 })
    details.postgresCrash = { ...r, unexpected: r.unexpected.length }
    const other5xx = r.summary.status5xx - r.summary.status503
    rows.push(row('PostgreSQL crash (pg_ctl -m immediate), publish', r.summary, r.acknowledged, r.lost.length,
      `partial ${r.partial.length}; failed then found whole ${r.failedPresent}, absent ${r.failedAbsent}; retries ok ${r.retried.ok}/${r.retried.sent}; other 5xx ${other5xx}`))
  })
  console.log('[faults] Redis killed and restarted under publish + /latest load (1 publisher, 12 readers)')
  await withStack({ persistentRedis: true }, async (stack) => {
    const r = await runRedisRestart(stack, { readers: 12, opsPerPhase: 1_500, maxMs: 300_000 })
    details.redisRestart = { ...r, unexpected: r.unexpected.length }
    rows.push(row('Redis killed + restarted (AOF), publish + /latest', r.summary, r.acknowledged, r.stale.length,
      `lost = stale reads; rate limit bypassed ${r.bypassed} during, limited ${r.limitedAfter} after (bypassed ${r.bypassedAfter}); slowest answer during outage ${r.slowestDuringOutageMs} ms`))
  })
  console.log('[faults] feature-store-svc killed under /latest + /regime/latest load (12 clients)')
  await withStack({ liquidity: true }, async (stack) => {
    const r = await runStoreKilled(stack, { clients: 12, opsPerPhase: 600, maxMs: 300_000 })
    details.storeKilled = { ...r, unexpected: r.unexpected.length }
    rows.push(row('feature-store-svc SIGKILL + restart, reads via gateway', r.summary, null, null,
      `${Object.entries(r.summary.byStatus).filter(([status]) => !status.startsWith('200')).map(([status, n]) => `${status}: ${n}`).join(', ')}; unexpected ${r.unexpected.length}; breakers opened ${JSON.stringify(r.breakerOpened)}; recovered ${r.recovered}`))
  })
  printFaultTable(rows)
  writeJson(RESULTS_PATH, { startedAt: new Date().toISOString(), rows, details })
  console.log(`[faults] results written to ${RESULTS_PATH}`)
  return rows
}

export function printFaultTable(rows: FaultRow[]): void {
  const show = (value: number | null) => (value === null ? '—' : String(value))
  const lines = [
    '| fault | sent | answered | acknowledged writes | lost | 5xx | of which 503 | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.fault} | ${r.sent} | ${r.answered} | ${show(r.acknowledged)} | ${show(r.lost)} | ${r.status5xx} | ${r.status503} | ${r.notes} |`),
  ]
  console.log(lines.join('\n'))
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  runFaultsBench()
    .then(() => process.exit(0))
    .catch((error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error)
      process.exit(1)
    })
}
