import { createHash } from 'node:crypto'
import { manifestKey, type ExportWindow } from './windows'

/** One Parquet file of a window, as the manifest lists it. */
export interface ExportedFile {
  /** Key inside the bucket, after the store's prefix. */
  key: string
  featureId: string
  /** UTC day of `ts` of every row in the file. */
  dt: string
  rows: number
  bytes: number
  sha256: string
}

export interface Manifest {
  key: string
  body: Uint8Array
  sha256: string
  /** The files as listed: sorted by key. */
  files: ExportedFile[]
}

export const sha256 = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex')

/**
 * `_manifests/dt={day}/window-{start}-{end}.json`: the window, its files and row counts. Nothing
 * in it depends on when it was written, so a retried window rewrites it byte for byte.
 */
export function buildManifest(window: ExportWindow, files: readonly ExportedFile[]): Manifest {
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const document = {
    version: 1,
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    rows: sorted.reduce((sum, file) => sum + file.rows, 0),
    files: sorted,
  }
  const body = new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`)
  return { key: manifestKey(window), body, sha256: sha256(body), files: sorted }
}
