import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { HOUR_MS } from '@lav/shared/time'
import { benchGateway } from './gateway.bench'
import { benchLatest } from './latest.bench'
import { runExportBench } from './export.bench'
import { runExplorerBench } from './explorer.bench'
import { runFaultsBench } from './faults.bench'
import { runSoakBench } from './soak.bench'
import { runFuzzBench } from './fuzz.bench'
import { runLiquidityBench } from './liquidity.bench'
import { benchPublish } from './publish.bench'
import { benchQuery, HOURLY_QUERY_FEATURE, queryWindow, seedQueryData } from './query.bench'
import { loadCatalog } from './support/dataset'
import { printTable, writeJson, type Row } from './support/report'
import { dropPartitionsBefore } from './support/retention'
import { startStack, type Stack } from './support/stack'

const RESULTS_PATH = fileURLToPath(new URL('./results/latest.json', import.meta.url))
const startedAt = Date.now()

function step(message: string): void {
  console.log(`[bench +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}`)
}

const BENCHES = ['publish', 'latest', 'gateway', 'query', 'liquidity', 'explorer', 'export', 'faults', 'fuzz'] as const
type BenchName = (typeof BENCHES)[number]
/** Run only when named: the fault scenarios and the 10,000-case fuzz take minutes and measure no latency. */
const OPT_IN: readonly BenchName[] = ['faults', 'fuzz']

/** BENCH_ONLY=latest,gateway (or `npm run bench -- latest gateway`) runs those alone (with the data they read), for working on one of them. */
function selectedBenches(only = process.env.BENCH_ONLY ?? process.argv.slice(2).join(',')): Set<BenchName> {
  const names = (only ?? '').split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name))
  if (unknown.length > 0) throw new Error(`BENCH_ONLY names unknown benches (${unknown.join(', ')}); known: ${BENCHES.join(', ')}`)
  return new Set(names.length > 0 ? (names as BenchName[]) : BENCHES.filter((name) => !OPT_IN.includes(name)))
}

const NOT_RUN = { rows: [] as Row[], details: undefined }

/** Runs one bench when it is selected, announcing it first; one left out adds no rows. */
async function ifSelected<T>(selected: Set<BenchName>, name: BenchName, message: string, run: () => Promise<T>): Promise<T | typeof NOT_RUN> {
  if (!selected.has(name)) return NOT_RUN
  step(message)
  return run()
}

/** Runs the stack's benches in an order where each leaves the data the next one reads. */
async function runBenches(stack: Stack, selected: Set<BenchName>) {
  const catalog = loadCatalog()
  const window = queryWindow(startedAt)
  // The publish history ends an hour before the query window, so the queries read only their own points.
  const historyEnd = Math.floor(window.since / HOUR_MS) * HOUR_MS - HOUR_MS
  const published = await ifSelected(selected, 'publish', 'publish: 200,000 points via POST /publish and via raw unnest upsert', () => benchPublish(stack, catalog, historyEnd))
  const dropped = selected.has('publish') ? await applyRetention(stack, window.since) : 0
  step('seeding 90 days of query data')
  const seeded = await seedQueryData(stack, catalog, window)
  const latest = await ifSelected(selected, 'latest', `latest: GET /latest?featureId=${HOURLY_QUERY_FEATURE}`, () => benchLatest(stack, HOURLY_QUERY_FEATURE))
  const gateway = await ifSelected(selected, 'gateway', 'gateway: GET /latest through the gateway vs straight to the service', () => benchGateway(stack, HOURLY_QUERY_FEATURE))
  const query = await ifSelected(selected, 'query', 'query: POST /query, daily feeds then the hourly feature', () => benchQuery(stack, catalog, window, seeded))
  return {
    rows: [...published.rows, ...latest.rows, ...gateway.rows, ...query.rows],
    details: { publish: published.details, droppedPartitions: dropped, seededQueryPoints: seeded, latest: latest.details, gateway: gateway.details, query: query.details },
  }
}

/**
 * The publish history spans ~2,100 daily partitions; production PostgreSQL keeps 90 days and the
 * export worker drops older ones. Without that step, read queries whose plans cannot prune lock
 * every partition and 10 concurrent ones exhaust the lock table ("out of shared memory", 53200).
 * BENCH_KEEP_HISTORY=1 keeps the history to reproduce exactly that.
 */
async function applyRetention(stack: Stack, since: number): Promise<number> {
  if (process.env.BENCH_KEEP_HISTORY === '1') return 0
  step('retention: dropping the partitions older than the 90-day window')
  return dropPartitionsBefore(stack.sql, since)
}

/** `npm run bench -- soak [--minutes N]` runs the soak alone (30 minutes by default). */
function soakRequest(argv = process.argv.slice(2)): number | null {
  if (argv[0] !== 'soak') return null
  const { values } = parseArgs({ args: argv.slice(1), options: { minutes: { type: 'string', default: '30' } } })
  const minutes = Number(values.minutes)
  if (!Number.isInteger(minutes) || minutes < 2) throw new Error(`--minutes must be a whole number of at least 2, got ${values.minutes}`)
  return minutes
}

async function runSoak(minutes: number): Promise<void> {
  step(`soak: ${minutes} minutes of mixed load through the gateway`)
  const rows = await runSoakBench(minutes)
  printTable(rows)
  writeJson(fileURLToPath(new URL('./results/soak.json', import.meta.url)), { startedAt: new Date(startedAt).toISOString(), minutes, rows })
  if (process.env.BENCH_STRICT === '1' && rows.some((r) => r.pass === false)) process.exitCode = 1
}

async function main(): Promise<void> {
  const soakMinutes = soakRequest()
  if (soakMinutes !== null) return runSoak(soakMinutes)
  const selected = selectedBenches()
  if (selected.has('faults')) {
    // Its own PostgreSQL, Redis and services, its own table and bench/results/faults.json.
    step('faults: PostgreSQL crash, Redis restart, feature-store-svc killed, each under load')
    await runFaultsBench()
    selected.delete('faults')
    if (selected.size === 0) return
  }
  step('starting PostgreSQL database, Redis db, feature-store-svc and the bare Fastify server')
  const stack = await startStack(process.env)
  // `on`, not `once`: Ctrl-C reaches us both from the terminal and relayed by tsx, and a second
  // signal with no listener left would exit before the database is dropped.
  const interrupt = () => void stack.stop().finally(() => process.exit(130))
  process.on('SIGINT', interrupt)
  process.on('SIGTERM', interrupt)
  try {
    const [server] = await stack.sql<{ version: string }[]>`select version()`
    const { rows, details } = await runBenches(stack, selected)
    const cpu = details.gateway?.cpuPerRequest
    if (cpu) console.log(`CPU µs per request by process, GET /latest through the gateway: ${JSON.stringify(cpu.viaGateway)}; direct: ${JSON.stringify(cpu.direct)}`)
    // The liquidity bench brings its own stack (store, liquidity-svc, bare server) and data.
    await stack.stop()
    if (selected.has('liquidity')) {
      step('liquidity: compute alone, cold and cached /regime/latest, 366-day history')
      rows.push(...(await runLiquidityBench()))
    }
    if (selected.has('explorer')) {
      step('explorer: grid of 2,000+ features and a 90-day chart in headless Chromium vs their API calls alone')
      rows.push(...(await runExplorerBench()))
    }
    if (selected.has('export')) {
      step('export: 1,000,000 rows PostgreSQL → Parquet → S3 vs parquet-wasm encoding alone')
      rows.push(...(await runExportBench()))
    }
    if (selected.has('fuzz')) {
      step(`fuzz: ${process.env.FUZZ_CASES ?? '10,000'} schema-derived and hostile cases per route through the gateway (no 5xx, no partial write)`)
      rows.push(...(await runFuzzBench()))
    }
    printTable(rows)
    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, postgres: server?.version }
    writeJson(RESULTS_PATH, { startedAt: new Date(startedAt).toISOString(), seconds: (Date.now() - startedAt) / 1000, machine, rows, details })
    step(`results written to ${RESULTS_PATH}`)
    // Targets are reported, not enforced, unless a CI job asks for it.
    if (process.env.BENCH_STRICT === '1' && rows.some((r) => r.pass === false)) process.exitCode = 1
  } finally {
    step('stopping children, dropping the bench database, flushing the bench Redis db')
    await stack.stop()
  }
}

main()
  // Exits explicitly: keep-alive sockets of fetch would otherwise hold the process for seconds.
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error)
    process.exit(1)
  })
