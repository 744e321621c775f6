import { MINUTE_MS } from '@lav/shared/time'

/** Exports cover windows of ingested_at of this length, aligned on the epoch (so on UTC). */
export const WINDOW_MS = 15 * MINUTE_MS

export interface ExportWindow {
  start: number
  end: number
}

export const alignDown = (ms: number): number => Math.floor(ms / WINDOW_MS) * WINDOW_MS

export const windowAt = (start: number): ExportWindow => ({ start, end: start + WINDOW_MS })

/** "20251020T001500Z": sorts like the instant and has no ':' (awkward in keys and file systems). */
export function compactInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`
}

/**
 * `{featureId}/dt={day}/part-{windowStart}-{windowEnd}.parquet`, the same for every attempt at a
 * window, so a retry overwrites rather than adds. A (feature, day) group larger than one file
 * continues in `...-1.parquet`, `...-2.parquet`. Feature ids never start with "_" (see
 * FEATURE_ID_PATTERN), so they cannot collide with `_manifests/`.
 */
export function partKey(featureId: string, day: string, window: ExportWindow, sequence = 0): string {
  const suffix = sequence === 0 ? '' : `-${sequence}`
  return `${featureId}/dt=${day}/part-${compactInstant(window.start)}-${compactInstant(window.end)}${suffix}.parquet`
}

/** Under a `dt=` folder too, so S3 retention treats manifests like the files they list. */
export function manifestKey(window: ExportWindow): string {
  const day = new Date(window.start).toISOString().slice(0, 10)
  return `_manifests/dt=${day}/window-${compactInstant(window.start)}-${compactInstant(window.end)}.json`
}

const DT_SEGMENT = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\//

/** The `dt` day of a key written by the exporter, or null for any other key. */
export function dayOfKey(key: string): string | null {
  return DT_SEGMENT.exec(key)?.[1] ?? null
}
