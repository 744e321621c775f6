import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { DAY_MS } from '@lav/shared/time'
import postgres from 'postgres'
import { alignDown, WINDOW_MS } from '@lav/export-worker/export'
import { EXPORT_WORKER_NODE_OPTIONS } from '@lav/export-worker/launch'
import { migrate } from '@lav/values-db/migrate'
import { S3RVER_CREDENTIALS, startS3Server } from '../test/support/s3-server'
import { createBenchDatabase, DEFAULT_DATABASE_URL } from './support/database'
import { benchFeatures, CHILD_ENTRY, featureRows, POINTS_PER_FEATURE, ROWS, STEP_MS, type ChildReport, type Dataset } from './support/export-child'
import { row, runWhenMain, type Row } from './support/report'

export type BenchRow = Row

const ROOT = fileURLToPath(new URL('../', import.meta.url))

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

function runChild(mode: string[], env: NodeJS.ProcessEnv): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY, ...mode], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? ''
      if (code !== 0) reject(new Error(`bench child ${mode.join(' ')} exited with ${code}: ${output.slice(-2_000)}`))
      else resolve(JSON.parse(last) as ChildReport)
    })
  })
}

/**
 * Export of 1,000,000 rows (20 features × 50,000, one a minute) PostgreSQL → Parquet → S3 by the
 * worker's code in a child process started as `npm start` starts the worker (NODE_OPTIONS of
 * launch.ts), against encoding the same rows into the same files with parquet-wasm alone from
 * memory in another child; the S3-compatible server (s3rver, or S3_ENDPOINT) runs in this
 * process, PostgreSQL in its own, so the export child's peak RSS is the worker's alone.
 */
export async function runExportBench(env: NodeJS.ProcessEnv = process.env): Promise<BenchRow[]> {
  const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
  const s3 = env.S3_ENDPOINT ? undefined : await startS3Server()
  const sql = postgres(database.url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC' } })
  try {
    await migrate(sql)
    const now = Date.now()
    // Ingested two windows ago: closed by the worker's clock (the database's) minus its lag.
    const data: Dataset = { features: benchFeatures(), endMs: Math.floor(now / DAY_MS) * DAY_MS - DAY_MS, ingestedMs: alignDown(now) - 2 * WINDOW_MS }
    await seed(sql, data)
    await sql`vacuum analyze features_values`
    // A fresh bucket per export run: each writes every file, as a first export of the window would.
    const childEnv = (nodeOptions: string): NodeJS.ProcessEnv => ({
      PATH: env.PATH,
      HOME: env.HOME,
      NODE_OPTIONS: [nodeOptions, env.BENCH_CHILD_NODE_OPTIONS].filter(Boolean).join(' '),
      BENCH_END_MS: String(data.endMs),
      BENCH_INGESTED_MS: String(data.ingestedMs),
      DATABASE_URL: database.url,
      FEATURE_STORE_EXPORT_S3_URI: `s3://lav-bench-${randomBytes(4).toString('hex')}`,
      S3_ENDPOINT: env.S3_ENDPOINT ?? s3?.endpoint,
      S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? S3RVER_CREDENTIALS.secretAccessKey,
      LOG_LEVEL: 'warn',
    })
    const encoded = await runChild(['--encode'], childEnv(EXPORT_WORKER_NODE_OPTIONS))
    // First with Node's default heap settings, for the RSS the worker's options save; it also
    // warms the S3 server (in this process), so the measured run below is not its first.
    const defaults = await runChild([], childEnv(''))
    await sql`delete from export_watermarks`
    // s3rver runs in this process, which otherwise only waits: its CPU time is the S3 server's.
    const read = await runChild(['--read'], childEnv(EXPORT_WORKER_NODE_OPTIONS))
    const uploaded = await withServerCpu(() => runChild(['--upload'], childEnv(EXPORT_WORKER_NODE_OPTIONS)))
    const exported = await withServerCpu(() => runChild([], childEnv(EXPORT_WORKER_NODE_OPTIONS)))
    for (const run of [exported.report, defaults, uploaded.report, read]) {
      if (run.rows !== ROWS || encoded.rows !== ROWS || run.files !== encoded.files) {
        throw new Error(`the export wrote ${run.rows} rows in ${run.files} files, the encoder ${encoded.rows} in ${encoded.files}: the run is not valid`)
      }
    }
    const { report: run, serverSeconds } = exported
    console.log(`export: worker CPU ${run.cpuSeconds.toFixed(2)} s, s3rver CPU ${serverSeconds.toFixed(2)} s, encode-only CPU ${encoded.cpuSeconds.toFixed(2)} s`)
    console.log(`export: ${run.files} files in ${run.seconds.toFixed(2)} s (${defaults.seconds.toFixed(2)} s with Node defaults); encode only: ${encoded.seconds.toFixed(2)} s; S3 PUT + HEAD alone: ${uploaded.report.seconds.toFixed(2)} s (client CPU ${uploaded.report.cpuSeconds.toFixed(2)} s, s3rver CPU ${uploaded.serverSeconds.toFixed(2)} s)`)
    const rate = ROWS / run.seconds
    const uploadRate = ROWS / uploaded.report.seconds
    // Every part of the export measured alone, its CPU summed and spread over all the cores: no
    // export doing that work with those parts can finish sooner on this machine.
    const parts = { encode: encoded.cpuSeconds, read: read.cpuSeconds, postgres: read.databaseCpuSeconds ?? 0, s3Client: uploaded.report.cpuSeconds, s3Server: uploaded.serverSeconds }
    const cores = availableParallelism()
    const cpuFloorSeconds = Object.values(parts).reduce((sum, seconds) => sum + seconds, 0) / cores
    console.log(`export: its parts' CPU alone: ${Object.entries(parts).map(([part, seconds]) => `${part} ${seconds.toFixed(2)} s`).join(', ')}; over ${cores} cores ≥ ${cpuFloorSeconds.toFixed(2)} s`)
    return [
      row('export 1M rows PG → Parquet → S3 vs parquet-wasm encode only', 'rows/s', rate, ROWS / encoded.seconds, { kind: 'min-ratio', value: 0.4 }),
      row('export 1M rows end to end vs 150,000 rows/s', 'rows/s', rate, 150_000, { kind: 'min-ratio', value: 1 }),
      // The ceiling of the first row: the same files' PUT + HEAD alone, as if PostgreSQL and
      // encoding cost nothing and overlapped perfectly. Its ratio is the best any export reaches here.
      row(`export floor (reference): S3 PUT + HEAD of the same ${run.files} files alone vs encode only`, 'rows/s', uploadRate, ROWS / encoded.seconds),
      row('export 1M rows end to end vs its S3 floor (row above)', 'rows/s', rate, uploadRate),
      row(`export CPU floor (reference): its parts' CPU alone over ${cores} cores vs encode only`, 'rows/s', ROWS / cpuFloorSeconds, ROWS / encoded.seconds),
      row('export worker peak RSS (baseline: encode-only process)', 'MB', run.maxRssMb, encoded.maxRssMb, { kind: 'max-result', value: 300 }),
      row('export worker peak RSS, Node default heap (baseline: with NODE_OPTIONS)', 'MB', defaults.maxRssMb, run.maxRssMb),
      // Where the two cores go: the worker, and the S3 server that shares the machine in this bench.
      row(`export worker CPU during the export (baseline: the export's wall time)`, 's', run.cpuSeconds, run.seconds),
      ...(s3
        ? [
            row(`export: s3rver CPU for ${run.files} PUT + HEAD (baseline: the export's wall time)`, 's', serverSeconds, run.seconds),
            row(`export floor: s3rver CPU for the same PUT + HEAD (baseline: their wall time)`, 's', uploaded.serverSeconds, uploaded.report.seconds),
          ]
        : []),
    ]
  } finally {
    await sql.end({ timeout: 5 })
    await database.drop()
    await s3?.remove()
  }
}

/** A child's report with this process's CPU time meanwhile: the in-process S3 server's. */
async function withServerCpu(run: () => Promise<ChildReport>): Promise<{ report: ChildReport; serverSeconds: number }> {
  const before = process.cpuUsage()
  const report = await run()
  const used = process.cpuUsage(before)
  return { report, serverSeconds: (used.user + used.system) / 1e6 }
}

runWhenMain(import.meta.url, runExportBench)
