import { z } from 'zod'

/**
 * The export worker's queue. One queue for both jobs so a worker with concurrency 1 never runs
 * the retention (which drops partitions) while an export is reading them.
 */
export const EXPORT_QUEUE = 'lav-export'

export const EXPORT_JOBS = {
  /** Exports every closed 15-minute window of ingested_at after the watermark to Parquet in S3. */
  parquetExport: 'parquet-export',
  /** Drops exported PostgreSQL day partitions and deletes S3 objects past their retention. */
  retention: 'retention',
} as const
export type ExportJobName = (typeof EXPORT_JOBS)[keyof typeof EXPORT_JOBS]

/** Who asked for the run; the work itself is decided by the watermark, never by the payload. */
export const JobTriggerSchema = z.enum(['schedule', 'startup', 'manual'])
export type JobTrigger = z.infer<typeof JobTriggerSchema>

export const ParquetExportJobSchema = z.strictObject({
  trigger: JobTriggerSchema,
})
export type ParquetExportJob = z.infer<typeof ParquetExportJobSchema>

export const RetentionJobSchema = z.strictObject({
  trigger: JobTriggerSchema,
})
export type RetentionJob = z.infer<typeof RetentionJobSchema>
