import { EXPORT_JOBS, EXPORT_QUEUE, type ParquetExportJob, type RetentionJob } from '@lav/shared/contracts'
import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { utcDay } from '@lav/values-db'

export interface ScheduleOptions {
  exportCron: string
  retentionCron: string
  attempts: number
  backoffMs: number
}

export function jobOptions(options: Pick<ScheduleOptions, 'attempts' | 'backoffMs'>): JobsOptions {
  return {
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: options.backoffMs },
    // Enough history to see recent runs in Redis without it growing forever.
    removeOnComplete: { count: 200 },
    removeOnFail: { count: 1_000 },
  }
}

/** The producer side. `prefix` isolates tests (BullMQ's default is "bull"). */
export function createExportQueue(connection: Redis, prefix?: string): Queue {
  return new Queue(EXPORT_QUEUE, { connection, prefix })
}

/**
 * Upserts both job schedulers: idempotent, so every replica may call it at start and a changed
 * cron replaces the old one. Crons run in UTC, like the windows and the `dt` days.
 */
export async function upsertSchedulers(queue: Queue, options: ScheduleOptions): Promise<void> {
  const opts = jobOptions(options)
  const exportJob: ParquetExportJob = { trigger: 'schedule' }
  const retentionJob: RetentionJob = { trigger: 'schedule' }
  await queue.upsertJobScheduler(EXPORT_JOBS.parquetExport, { pattern: options.exportCron, tz: 'UTC' }, { name: EXPORT_JOBS.parquetExport, data: exportJob, opts })
  await queue.upsertJobScheduler(EXPORT_JOBS.retention, { pattern: options.retentionCron, tz: 'UTC' }, { name: EXPORT_JOBS.retention, data: retentionJob, opts })
}

/**
 * At start: an export now (catch up after downtime without waiting for the cron) and one
 * retention per day at most — its job id makes restarts on the same day add nothing, so it is no
 * measure of the bucket after a restart: each process lists the bucket itself (server.ts).
 */
export async function enqueueStartupJobs(queue: Queue, options: Pick<ScheduleOptions, 'attempts' | 'backoffMs'>, now = Date.now()): Promise<void> {
  const opts = jobOptions(options)
  const startup = { trigger: 'startup' } as const
  await queue.add(EXPORT_JOBS.parquetExport, startup satisfies ParquetExportJob, opts)
  await queue.add(EXPORT_JOBS.retention, startup satisfies RetentionJob, { ...opts, jobId: `retention-startup-${utcDay(now)}` })
}
