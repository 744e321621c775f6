import { DAY_MS } from '@lav/shared/time'
import { utcDay, type Database } from '@lav/values-db'
import type { ObjectStore } from '../s3/object-store'
import { buildManifest, sha256, type ExportedFile, type Manifest } from './manifest'
import { createParquetFileBuilder, type ParquetFileBuilder } from './parquet-file'
import type { RowGroup } from './row-group'
import { createTaskPool } from './task-pool'
import { partitionDays, windowGroups } from './window-rows'
import { partKey, type ExportWindow } from './windows'

const PARQUET_TYPE = 'application/vnd.apache.parquet'

export interface WindowExportDeps {
  sql: Database
  objects: Pick<ObjectStore, 'put' | 'confirm'>
  maxRowsPerFile: number
  uploadConcurrency: number
  /** (feature, day) groups per cursor fetch. */
  cursorGroups?: number
  /** Rows per group from the cursor at most (MAX_GROUP_ROWS when absent); the files do not depend on it. */
  maxGroupRows?: number
}

export interface WindowReport {
  start: number
  end: number
  rows: number
  bytes: number
  /** Sorted by key. */
  files: ExportedFile[]
  /** Every window has one, an empty window too (no files, 0 rows): a reader can tell "nothing" from "not yet". */
  manifestKey: string
}

interface OpenFile {
  builder: ParquetFileBuilder
  dayIndex: number
  sequence: number
}

/**
 * Writes one window: each (feature, UTC day of ts) of its rows becomes a Parquet file (continued
 * across the consecutive groups the cursor splits a large one into, numbered continuation files
 * past `maxRowsPerFile`), uploaded and confirmed by HEAD while the cursor reads on; then the
 * manifest, confirmed too.
 * Returns only when every object is confirmed: the caller may then move the watermark.
 */
export async function exportWindow(deps: WindowExportDeps, window: ExportWindow): Promise<WindowReport> {
  const pool = createTaskPool(deps.uploadConcurrency)
  const files: ExportedFile[] = []
  let open: OpenFile | undefined

  const ship = async (file: OpenFile) => {
    const body = file.builder.encode()
    const dt = utcDay(file.dayIndex * DAY_MS)
    const exported: ExportedFile = {
      key: partKey(file.builder.featureId, dt, window, file.sequence),
      featureId: file.builder.featureId,
      dt,
      rows: file.builder.rows,
      bytes: body.length,
      sha256: sha256(body),
    }
    await pool.add(async () => {
      await deps.objects.put(exported.key, body, { contentType: PARQUET_TYPE, metadata: { sha256: exported.sha256, rows: String(exported.rows) } })
      await deps.objects.confirm(exported.key, exported)
      files.push(exported)
    })
  }

  /** Adds a group's rows to the open file, shipped first when the (feature, day) changes or it is full. */
  const append = async (group: RowGroup) => {
    const dayIndex = Math.floor((group.tsMs[0] ?? 0) / DAY_MS)
    for (let from = 0; from < group.rows; ) {
      let target = open
      const sameGroup = target?.builder.featureId === group.featureId && target.dayIndex === dayIndex
      if (!target || !sameGroup || target.builder.rows >= deps.maxRowsPerFile) {
        const sequence = target && sameGroup ? target.sequence + 1 : 0
        if (target) await ship(target)
        target = open = { builder: createParquetFileBuilder(group.featureId), dayIndex, sequence }
      }
      const to = Math.min(group.rows, from + deps.maxRowsPerFile - target.builder.rows)
      target.builder.pushRange(group, from, to)
      from = to
    }
  }

  // In-flight uploads settle before a failure is reported, so none lands after a retry began.
  await pool.feed(async () => {
    const days = await partitionDays(deps.sql)
    const batches = days ? windowGroups(deps.sql, window, days, deps.cursorGroups ?? 16, deps.maxGroupRows) : []
    for await (const batch of batches) for (const group of batch) await append(group)
    if (open) await ship(open)
  })
  return finishWindow(deps, window, files)
}

async function finishWindow(deps: WindowExportDeps, window: ExportWindow, files: ExportedFile[]): Promise<WindowReport> {
  const rows = files.reduce((sum, file) => sum + file.rows, 0)
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0)
  const manifest = await writeManifest(deps.objects, window, files)
  return { ...window, rows, bytes: bytes + manifest.body.length, files: manifest.files, manifestKey: manifest.key }
}

/** The window's manifest, PUT and confirmed by HEAD: written last, it is what marks the window done. */
export async function writeManifest(objects: Pick<ObjectStore, 'put' | 'confirm'>, window: ExportWindow, files: ExportedFile[]): Promise<Manifest> {
  const manifest = buildManifest(window, files)
  await objects.put(manifest.key, manifest.body, { contentType: 'application/json', metadata: { sha256: manifest.sha256 } })
  await objects.confirm(manifest.key, { bytes: manifest.body.length, sha256: manifest.sha256 })
  return manifest
}
