import type { Database } from '@lav/values-db'
import type { ExportMetrics } from '../metrics/export-metrics'
import type { S3Total } from '../metrics/s3-total'
import type { ObjectStore } from '../s3/object-store'
import { dropExpiredPartitions, type PartitionRetentionResult } from './partition-retention'
import { deleteExpiredObjects, type S3RetentionResult } from './s3-retention'

export interface RetentionDeps {
  sql: Database
  objects: Pick<ObjectStore, 'list' | 'delete'>
  pgRetentionDays: number
  s3RetentionDays: number
  metrics?: Pick<ExportMetrics, 'failures'>
  s3Total?: Pick<S3Total, 'set'>
  now?: () => number
}

export interface RetentionResult {
  postgres: PartitionRetentionResult
  s3: S3RetentionResult
}

/**
 * Both retentions, each attempted even when the other fails (an S3 outage must not keep old
 * partitions, nor the reverse); any failure fails the run so the job retries.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionResult> {
  const now = deps.now?.() ?? Date.now()
  const [postgres, s3] = await Promise.allSettled([
    dropExpiredPartitions(deps.sql, { retentionDays: deps.pgRetentionDays, now }),
    deleteExpiredObjects(deps.objects, { retentionDays: deps.s3RetentionDays, now }),
  ])
  if (s3.status === 'fulfilled') await deps.s3Total?.set(s3.value.keptBytes)
  if (postgres.status === 'rejected' || s3.status === 'rejected') {
    deps.metrics?.failures.inc({ kind: 'retention' })
    const reasons = [postgres, s3].filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome.reason as Error)?.message ?? outcome.reason))
    throw new Error(`retention failed: ${reasons.join('; ')}`)
  }
  return { postgres: postgres.value, s3: s3.value }
}
