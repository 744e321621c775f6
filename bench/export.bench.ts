import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DAY_MS, MINUTE_MS } from '@lav/shared/time'
import postgres from 'postgres'
import { migrate } from '../feature-store-svc/src/storage/migrate'
import { loadExportWorkerConfig } from '../export-worker/src/config'
import { runExportCycle } from '../export-worker/src/export/export-cycle'
import { createParquetFileBuilder } from '../export-worker/src/export/parquet-file'
import type { ExportRow } from '../export-worker/src/export/window-rows'
import { alignDown, WINDOW_MS } from '../export-worker/src/export/windows'
import { jobDeps, openRuntime } from '../export-worker/src/runtime'
import { S3RVER_CREDENTIALS, startS3Server } from '../test/support/s3-server'
import { createBenchDatabase, DEFAULT_DATABASE_URL } from './support/database'
import { loadCatalog, valueAt, type BenchFeature } from './support/dataset'
import { printTable, row, type Row } from './support/report'

export type BenchRow = Row

const FEATURES = 20
const POINTS_PER_FEATURE = 50_000
const STEP_MS = MINUTE_MS
const ROWS = FEATURES * POINTS_PER_FEATURE
const SELF = fileURLToPath(import.meta.url)
const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** What each child process reports on its last line of output. */
interface ChildReport {
  rows: number
  files: number
  seconds: number
  maxRssMb: number
}

/** The dataset both sides encode: the first 20 catalog features, one point a minute up to `endMs`. */
interface Dataset {
  features: BenchFeature[]
  endMs: number
  ingestedMs: number
}

function dataset(env: NodeJS.ProcessEnv): Dataset {
  return { features: [...loadCatalog().values()].slice(0, FEATURES), endMs: Number(env.BENCH_END_MS), ingestedMs: Number(env.BENCH_INGESTED_MS) }
}

function featureRows(data: Dataset, feature: BenchFeature): ExportRow[] {
  return Array.from({ length: POINTS_PER_FEATURE }, (_, i): ExportRow => {
    const step = POINTS_PER_FEATURE - 1 - i // ascending ts, as the export reads them
    return [feature.id, data.endMs - step * STEP_MS, valueAt(feature, step), 1, data.ingestedMs, null, null]
  })
}

/**
 * 1,000,000 rows straight into features_values, all ingested in one 15-minute window that has
 * already closed: the worst case of a backfill, which the export must stream, not hold.
 */
async function seed(sql: postgres.Sql, data: Dataset): Promise<void> {
  const firstDay = Math.floor((data.endMs - (POINTS_PER_FEATURE - 1) * STEP_MS) / DAY_MS)
  const days = Array.from({ length: Math.floor(data.endMs / DAY_MS) - firstDay + 1 }, (_, i) => new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10))
  await sql`select ensure_features_values_partition(day) from unnest(${sql.array(days)}::date[]) as day`
  for (const feature of data.features) {
    const rows = featureRows(data, feature)
    await sql`
      insert into features_values (feature_id, ts, value, confidence, ingested_at)
      select ${feature.id}, to_timestamp(ts / 1000.0), value, 1, ${new Date(data.ingestedMs)}
      from unnest(${sql.array(rows.map((r) => r[1]))}::float8[], ${sql.array(rows.map((r) => r[2]))}::float8[]) as incoming(ts, value)`
  }
}

/** Child: the worker's own code and configuration, one export cycle, timed inside the process. */
async function exportChild(): Promise<ChildReport> {
  const config = loadExportWorkerConfig(process.env)
  const runtime = await openRuntime(config)
  try {
    const started = performance.now()
    const result = await runExportCycle(jobDeps(config, runtime).exportDeps, { onBusy: 'wait' })
    return { rows: result.rows, files: result.files, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }
  } finally {
    await runtime.close()
  }
}

/**
 * Child: the same rows, the same (feature, day) files, encoded by the same builder from memory.
 * Each file's rows are made before its clock starts, so only Arrow + parquet-wasm is timed.
 */
async function encodeChild(): Promise<ChildReport> {
  const data = dataset(process.env)
  let seconds = 0
  let files = 0
  let rows = 0
  for (const feature of data.features) {
    const all = featureRows(data, feature)
    for (let start = 0; start < all.length; ) {
      const day = Math.floor(all[start]![1] / DAY_MS)
      let end = start
      while (end < all.length && Math.floor(all[end]![1] / DAY_MS) === day) end++
      const group = all.slice(start, end)
      const started = performance.now()
      const builder = createParquetFileBuilder(feature.id)
      for (const r of group) builder.push(r)
      builder.encode()
      seconds += (performance.now() - started) / 1000
      files++
      rows += group.length
      start = end
    }
  }
  return { rows, files, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }
}

function runChild(mode: string, env: NodeJS.ProcessEnv): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, mode], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? ''
      if (code !== 0) reject(new Error(`${mode} exited with ${code}: ${output.slice(-2_000)}`))
      else resolve(JSON.parse(last) as ChildReport)
    })
  })
}

/**
 * Export of 1,000,000 rows (20 features × 50,000, one a minute) PostgreSQL → Parquet → S3 by the
 * worker's code in a child process, against encoding the same rows into the same files with
 * parquet-wasm alone from memory in another child; the S3-compatible server (s3rver, or
 * S3_ENDPOINT) runs in this process, PostgreSQL in its own, so the export child's peak RSS is
 * the worker's alone.
 */
export async function runExportBench(env: NodeJS.ProcessEnv = process.env): Promise<BenchRow[]> {
  const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
  const s3 = env.S3_ENDPOINT ? undefined : await startS3Server()
  const sql = postgres(database.url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC' } })
  try {
    await migrate(sql)
    const now = Date.now()
    // Ingested two windows ago: closed by the worker's clock (the database's) minus its lag.
    const data: Dataset = { features: [...loadCatalog().values()].slice(0, FEATURES), endMs: Math.floor(now / DAY_MS) * DAY_MS - DAY_MS, ingestedMs: alignDown(now) - 2 * WINDOW_MS }
    await seed(sql, data)
    await sql`vacuum analyze features_values`
    const childEnv: NodeJS.ProcessEnv = {
      PATH: env.PATH,
      HOME: env.HOME,
      BENCH_END_MS: String(data.endMs),
      BENCH_INGESTED_MS: String(data.ingestedMs),
      DATABASE_URL: database.url,
      FEATURE_STORE_EXPORT_S3_URI: `s3://lav-bench-${randomBytes(4).toString('hex')}`,
      S3_ENDPOINT: env.S3_ENDPOINT ?? s3?.endpoint,
      S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? S3RVER_CREDENTIALS.secretAccessKey,
      LOG_LEVEL: 'warn',
    }
    const encoded = await runChild('--encode-child', childEnv)
    const exported = await runChild('--export-child', childEnv)
    if (exported.rows !== ROWS || encoded.rows !== ROWS || exported.files !== encoded.files) {
      throw new Error(`the export wrote ${exported.rows} rows in ${exported.files} files, the encoder ${encoded.rows} in ${encoded.files}: the run is not valid`)
    }
    console.log(`export: ${exported.files} files in ${exported.seconds.toFixed(2)} s; encode only: ${encoded.seconds.toFixed(2)} s`)
    const rate = ROWS / exported.seconds
    return [
      row('export 1M rows PG → Parquet → S3 vs parquet-wasm encode only', 'rows/s', rate, ROWS / encoded.seconds, { kind: 'min-ratio', value: 0.4 }),
      row('export 1M rows end to end vs 150,000 rows/s', 'rows/s', rate, 150_000, { kind: 'min-ratio', value: 1 }),
      row('export worker peak RSS (baseline: encode-only process)', 'MB', exported.maxRssMb, encoded.maxRssMb, { kind: 'max-result', value: 300 }),
    ]
  } finally {
    await sql.end({ timeout: 5 })
    await database.drop()
    await s3?.remove()
  }
}

const mode = process.argv[2]
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const work = mode === '--export-child' ? exportChild() : mode === '--encode-child' ? encodeChild() : runExportBench().then(printTable)
  work
    .then((report) => {
      if (report) console.log(JSON.stringify(report))
      process.exit(0)
    })
    .catch((error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error)
      process.exit(1)
    })
}
