import { DAY_MS } from '@lav/shared/time'
import { utcDay } from '@lav/values-db'
import type { ObjectStore } from '../s3/object-store'
import { dayOfKey } from '../export/windows'

export interface S3RetentionResult {
  deleted: number
  /** Objects and bytes left under the prefix: the figure of feature_storage_size_bytes{layer="s3"}. */
  kept: number
  keptBytes: number
}

/**
 * Deletes the objects whose `dt=` day is older than `retentionDays` (Parquet files and manifests
 * alike), one listing page at a time, and measures what stays. Keys without a `dt=` segment are
 * not ours to judge and are kept.
 */
export async function deleteExpiredObjects(objects: Pick<ObjectStore, 'list' | 'delete'>, options: { retentionDays: number; now: number }): Promise<S3RetentionResult> {
  const cutoffDay = utcDay(options.now - options.retentionDays * DAY_MS)
  const result: S3RetentionResult = { deleted: 0, kept: 0, keptBytes: 0 }
  for await (const page of objects.list()) {
    const expired: string[] = []
    for (const object of page) {
      const day = dayOfKey(object.key)
      if (day !== null && day < cutoffDay) {
        expired.push(object.key)
      } else {
        result.kept++
        result.keptBytes += object.size
      }
    }
    // Deleting the keys of a page already listed does not disturb the continuation token.
    await objects.delete(expired)
    result.deleted += expired.length
  }
  return result
}
