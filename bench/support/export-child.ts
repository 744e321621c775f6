import { fileURLToPath, pathToFileURL } from 'node:url'
import { DAY_MS, MINUTE_MS } from '@lav/shared/time'
import { loadExportWorkerConfig } from '@lav/export-worker/config'
import { alignDown, createParquetFileBuilder, createTaskPool, type ExportRow, partitionDays, runExportCycle, sha256, windowAt, windowGroups } from '@lav/export-worker/export'
import { jobDeps, openRuntime } from '@lav/export-worker/runtime'
import { utcDay } from '@lav/values-db'
import { cpuMicros } from './cpu-accounting'
import { loadCatalog, valueAt, type BenchFeature } from './dataset'

// The child processes of bench/export.bench.ts. A module of their own so a child loads only what
// the worker loads (not the bench's S3 server), and its peak RSS is the worker's.
export const CHILD_ENTRY = fileURLToPath(import.meta.url)
export const FEATURES = 20
export const POINTS_PER_FEATURE = 50_000
export const STEP_MS = MINUTE_MS
export const ROWS = FEATURES * POINTS_PER_FEATURE

/** What each child reports on its last line of output. */
export interface ChildReport {
  rows: number
  files: number
  seconds: number
  /** CPU time of the process (all threads) during the timed part. */
  cpuSeconds: number
  maxRssMb: number
  /** The read child's PostgreSQL backend: its CPU time while it served the cursor. */
  databaseCpuSeconds?: number
}

/** The rows both children handle: the first 20 catalog features, one point a minute up to `endMs`. */
export interface Dataset {
  features: BenchFeature[]
  endMs: number
  ingestedMs: number
}

export const benchFeatures = (): BenchFeature[] => [...loadCatalog().values()].slice(0, FEATURES)

/** One feature's rows, ascending by ts as the export reads them. */
export function featureRows(data: Dataset, feature: BenchFeature): ExportRow[] {
  return Array.from({ length: POINTS_PER_FEATURE }, (_, i): ExportRow => {
    const step = POINTS_PER_FEATURE - 1 - i
    return [feature.id, data.endMs - step * STEP_MS, valueAt(feature, step), 1, data.ingestedMs, data.ingestedMs, null, null]
  })
}

const report = (rows: number, files: number, seconds: number, cpu: NodeJS.CpuUsage): ChildReport => ({
  rows,
  files,
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
})

/** The worker's own code and configuration (from the environment): one export cycle, timed inside. */
async function exportChild(): Promise<ChildReport> {
  const config = loadExportWorkerConfig(process.env)
  const runtime = await openRuntime(config)
  try {
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const result = await runExportCycle(jobDeps(config, runtime).exportDeps, { onBusy: 'wait' })
    return report(result.rows, result.files, (performance.now() - started) / 1000, process.cpuUsage(cpuBefore))
  } finally {
    await runtime.close()
  }
}

/** One (feature, day) file of the dataset, encoded by the worker's builder. */
interface EncodedFile {
  featureId: string
  day: number
  rows: number
  body: Uint8Array
}

/**
 * The same rows into the same (feature, day) files with the same builder, from memory. Each
 * file's rows are made before its clock starts, so only Arrow + parquet-wasm is timed.
 */
function encodeAll(data: Dataset): { files: EncodedFile[]; seconds: number; cpu: NodeJS.CpuUsage } {
  let seconds = 0
  const files: EncodedFile[] = []
  const cpu = { user: 0, system: 0 }
  for (const feature of data.features) {
    const all = featureRows(data, feature)
    for (let start = 0; start < all.length; ) {
      const day = Math.floor(all[start]![1] / DAY_MS)
      let end = start
      while (end < all.length && Math.floor(all[end]![1] / DAY_MS) === day) end++
      const group = all.slice(start, end)
      const started = performance.now()
      const cpuBefore = process.cpuUsage()
      const builder = createParquetFileBuilder(feature.id)
      for (const row of group) builder.push(row)
      const body = builder.encode()
      const used = process.cpuUsage(cpuBefore)
      cpu.user += used.user
      cpu.system += used.system
      seconds += (performance.now() - started) / 1000
      files.push({ featureId: feature.id, day, rows: group.length, body })
      start = end
    }
  }
  return { files, seconds, cpu }
}

function encodeChild(data: Dataset): ChildReport {
  const { files, seconds, cpu } = encodeAll(data)
  return report(files.reduce((sum, file) => sum + file.rows, 0), files.length, seconds, cpu)
}

/**
 * The S3 half of an export alone: the encoded files PUT and confirmed by HEAD through the
 * worker's object store, with its client, configuration and upload concurrency, and nothing else
 * (no PostgreSQL, no encoding on the clock). No export with this S3 server can be faster.
 */
async function uploadChild(data: Dataset): Promise<ChildReport> {
  const { files } = encodeAll(data)
  const config = loadExportWorkerConfig(process.env)
  const runtime = await openRuntime(config)
  const { objects } = runtime
  try {
    await objects.ensureBucket()
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const pool = createTaskPool(config.s3.uploadConcurrency)
    for (const file of files) {
      const key = `${file.featureId}/dt=${utcDay(file.day * DAY_MS)}/part-upload-only.parquet`
      const expected = { bytes: file.body.length, sha256: sha256(file.body) }
      await pool.add(async () => {
        await objects.put(key, file.body, { contentType: 'application/vnd.apache.parquet', metadata: { sha256: expected.sha256, rows: String(file.rows) } })
        await objects.confirm(key, expected)
      })
    }
    await pool.drain()
    return report(files.reduce((sum, file) => sum + file.rows, 0), files.length, (performance.now() - started) / 1000, process.cpuUsage(cpuBefore))
  } finally {
    await runtime.close()
  }
}

/**
 * The PostgreSQL half alone: the window's rows read as the worker reads them (the same cursor
 * query, bytea columns into typed arrays), nothing encoded or uploaded; with the CPU time of the
 * backend that served it, read from /proc (the bench's PostgreSQL runs on this machine).
 */
async function readChild(data: Dataset): Promise<ChildReport> {
  const runtime = await openRuntime(loadExportWorkerConfig(process.env))
  const connection = await runtime.sql.reserve()
  try {
    const [backend] = await connection<{ pid: number }[]>`select pg_backend_pid() as pid`
    const days = await partitionDays(connection)
    if (!backend || !days) throw new Error('the bench database has no backend pid or no partitions')
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const backendBefore = cpuMicros(backend.pid)
    let rows = 0
    let groups = 0
    for await (const batch of windowGroups(connection, windowAt(alignDown(data.ingestedMs)), days, 16)) {
      for (const group of batch) {
        rows += group.rows
        groups++
      }
    }
    const databaseCpuSeconds = (cpuMicros(backend.pid) - backendBefore) / 1e6
    return { ...report(rows, groups, (performance.now() - started) / 1000, process.cpuUsage(cpuBefore)), databaseCpuSeconds }
  } finally {
    connection.release()
    await runtime.close()
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const data: Dataset = { features: benchFeatures(), endMs: Number(process.env.BENCH_END_MS), ingestedMs: Number(process.env.BENCH_INGESTED_MS) }
  const mode = process.argv[2]
  const children: Record<string, () => Promise<ChildReport>> = {
    '--encode': async () => encodeChild(data),
    '--read': () => readChild(data),
    '--upload': () => uploadChild(data),
  }
  const work = (children[mode ?? ''] ?? exportChild)()
  work.then(
    (result) => {
      console.log(JSON.stringify(result))
      process.exit(0)
    },
    (error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error)
      process.exit(1)
    },
  )
}
