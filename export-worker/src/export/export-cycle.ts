import type { Database } from '@lav/values-db'
import type { ExportMetrics } from '../metrics/export-metrics'
import type { S3Total } from '../metrics/s3-total'
import type { ObjectStore } from '../s3/object-store'
import { exportWindow, writeManifest, type WindowReport } from './export-window'
import { createTaskPool } from './task-pool'
import { createWatermarkStore, withExportLock, type LockMode, type WatermarkStore } from './watermark'
import { firstIngestedAt, readHorizon } from './window-rows'
import { alignDown, WINDOW_MS, windowAt } from './windows'

export interface ExportCycleDeps {
  sql: Database
  objects: Pick<ObjectStore, 'ensureBucket' | 'put' | 'confirm'>
  /** Windows close `lagMs` after their end, on top of the open-transaction horizon. */
  lagMs: number
  maxRowsPerFile: number
  uploadConcurrency: number
  metrics?: Pick<ExportMetrics, 'rows' | 'files' | 'failures' | 'duration'>
  /** Where the bytes written to S3 are added up for feature_storage_size_bytes{layer="s3"}. */
  s3Total?: Pick<S3Total, 'add'>
  log?: { info(object: object, message: string): void; warn(object: object, message: string): void }
  /** The clock that closes windows; the database's clock when absent (tests pass their own). */
  now?: () => number
  cursorGroups?: number
  maxGroupRows?: number
}

export interface ExportCycleResult {
  status: 'exported' | 'skipped'
  /** Windows with rows written in this cycle, in order. */
  windows: WindowReport[]
  /** Windows without rows: each got an empty manifest. */
  emptyWindows: number
  files: number
  rows: number
  bytes: number
  /** Watermark (ms) after the cycle; null when skipped. */
  watermark: number | null
}

/**
 * One export cycle: under the advisory lock, every closed window from the watermark on, in order,
 * the watermark moving after each window once all its objects are confirmed. A failure leaves
 * the watermark at the last whole window; the retry rewrites the same keys with the same bytes.
 */
export async function runExportCycle(deps: ExportCycleDeps, options: { onBusy: LockMode } = { onBusy: 'skip' }): Promise<ExportCycleResult> {
  const stopTimer = deps.metrics?.duration.startTimer()
  try {
    const locked = await withExportLock(deps.sql, options.onBusy, () => exportPending(deps))
    if (!locked.acquired) {
      deps.log?.info({}, 'another export cycle holds the lock: skipped')
      return { status: 'skipped', windows: [], emptyWindows: 0, files: 0, rows: 0, bytes: 0, watermark: null }
    }
    return locked.value
  } catch (error) {
    deps.metrics?.failures.inc({ kind: 'export' })
    throw error
  } finally {
    stopTimer?.()
  }
}

async function exportPending(deps: ExportCycleDeps): Promise<ExportCycleResult> {
  await deps.objects.ensureBucket(deps.log)
  const watermarks = createWatermarkStore(deps.sql)
  const closedUntil = await closedUntilInstant(deps)
  let watermark = await startingWatermark(deps.sql, watermarks, closedUntil)
  const windows: WindowReport[] = []
  let emptyWindows = 0
  while (watermark < closedUntil) {
    // Empty stretches (a quiet night, a worker down for a week) cost one query, not one per window.
    const next = await firstIngestedAt(deps.sql, watermark)
    const firstBusy = next === null ? closedUntil : Math.min(alignDown(next), closedUntil)
    if (firstBusy > watermark) {
      emptyWindows += await writeEmptyManifests(deps, watermark, firstBusy)
      await watermarks.advance(watermark, firstBusy)
      watermark = firstBusy
      continue
    }
    const report = await exportWindow(deps, windowAt(watermark))
    await watermarks.advance(report.start, report.end)
    watermark = report.end
    if (report.rows > 0) windows.push(report)
    else emptyWindows++
    await recordWindow(deps, report)
  }
  const total = (pick: (report: WindowReport) => number) => windows.reduce((sum, report) => sum + pick(report), 0)
  return { status: 'exported', windows, emptyWindows, files: total((r) => r.files.length), rows: total((r) => r.rows), bytes: total((r) => r.bytes), watermark }
}

/**
 * Windows without rows get their manifest too (no files, 0 rows), so that from S3 alone a reader
 * tells a window with nothing in it from one not exported yet. Written before the watermark passes.
 */
async function writeEmptyManifests(deps: ExportCycleDeps, from: number, to: number): Promise<number> {
  const pool = createTaskPool(deps.uploadConcurrency)
  await pool.feed(async () => {
    for (let start = from; start < to; start += WINDOW_MS) {
      await pool.add(async () => {
        const manifest = await writeManifest(deps.objects, windowAt(start), [])
        await deps.s3Total?.add(manifest.body.length)
      })
    }
  })
  return (to - from) / WINDOW_MS
}

/** End of the last closed window: now minus the lag, never past the oldest open transaction. */
async function closedUntilInstant(deps: ExportCycleDeps): Promise<number> {
  const horizon = await readHorizon(deps.sql)
  const now = deps.now?.() ?? horizon.databaseNow
  const byClock = now - deps.lagMs
  const until = Math.min(byClock, horizon.oldestOpenTransaction ?? Number.POSITIVE_INFINITY)
  if (byClock - until > WINDOW_MS) {
    const openSince = new Date(until).toISOString()
    deps.log?.warn({ openSince, application: horizon.heldBy }, 'a long open transaction holds the export back: its rows could still commit')
  }
  return alignDown(until)
}

/** The stored watermark, or on the very first cycle the window of the oldest row (or now). */
async function startingWatermark(sql: Database, watermarks: WatermarkStore, closedUntil: number): Promise<number> {
  const stored = await watermarks.read()
  if (stored !== null) return stored
  const oldest = await firstIngestedAt(sql, 0)
  await watermarks.initialise(oldest === null ? closedUntil : Math.min(alignDown(oldest), closedUntil))
  const initialised = await watermarks.read()
  if (initialised === null) throw new Error('the export watermark could not be initialised')
  return initialised
}

async function recordWindow(deps: ExportCycleDeps, report: WindowReport): Promise<void> {
  deps.metrics?.rows.inc(report.rows)
  deps.metrics?.files.inc(report.files.length)
  await deps.s3Total?.add(report.bytes)
  deps.log?.info(
    { window: { start: new Date(report.start).toISOString(), end: new Date(report.end).toISOString() }, files: report.files.length, rows: report.rows },
    'window exported',
  )
}
