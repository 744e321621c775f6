import { EXPORT_JOBS, EXPORT_QUEUE } from '@lav/shared/contracts'
import { UnrecoverableError, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { ExportCycleDeps } from '../export/export-cycle'
import type { RetentionDeps } from '../retention/run-retention'
import { InvalidJobPayloadError, processParquetExport, processRetention } from './processors'

export interface ExportWorkerOptions {
  connection: Redis
  prefix?: string
  export: ExportCycleDeps
  retention: RetentionDeps
  log: { warn(object: object, message: string): void; error(object: object, message: string): void }
  /** False: it takes no job until the caller calls `run()`. */
  autorun?: boolean
}

/**
 * The one consumer of the queue, concurrency 1: exports run one after another and never beside
 * a retention. `close()` lets a running job finish (BullMQ's graceful shutdown).
 */
export function createExportWorker(options: ExportWorkerOptions): Worker {
  const worker = new Worker(
    EXPORT_QUEUE,
    async (job) => {
      try {
        if (job.name === EXPORT_JOBS.parquetExport) return await processParquetExport(job.data, options.export)
        if (job.name === EXPORT_JOBS.retention) return await processRetention(job.data, options.retention)
        throw new InvalidJobPayloadError(`unknown job name ${job.name}`)
      } catch (error) {
        if (error instanceof InvalidJobPayloadError) throw new UnrecoverableError(error.message)
        throw error
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1, autorun: options.autorun ?? true },
  )
  worker.on('failed', (job, error) => {
    options.log.warn({ job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: error }, 'export job failed; BullMQ retries it with backoff')
  })
  // Connection errors: ioredis reconnects; logged so an outage is visible, never a crash.
  worker.on('error', (error) => options.log.error({ err: error }, 'export worker error'))
  return worker
}
