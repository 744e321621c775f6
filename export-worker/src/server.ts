import { HOUR_MS, MINUTE_MS } from '@lav/shared/time'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { exitOnStartFailure, runService } from '@lav/shared'
import { Registry } from 'prom-client'
import { buildApp } from './app'
import { loadExportWorkerConfig, type ExportWorkerConfig } from './config'
import { createWatermarkStore } from './export/watermark'
import { createExportMetrics } from './metrics/export-metrics'
import { measureS3Storage } from './metrics/s3-storage'
import type { S3Total } from './metrics/s3-total'
import { createExportQueue, enqueueStartupJobs, upsertSchedulers } from './queue/export-queue'
import { createExportWorker } from './queue/export-worker'
import { startInProcessSchedule, type InProcessSchedule } from './queue/in-process-schedule'
import { processParquetExport, processRetention } from './queue/processors'
import { createProducerRedis, createWorkerRedis } from './queue/redis-connections'
import { jobDeps, openRuntime } from './runtime'
import type { ObjectStore } from './s3/object-store'

// Degraded mode: a cycle with no closed window costs one query, so a minute is cheap and keeps
// S3 within a minute of the cron's schedule; retention is daily as with BullMQ.
const FALLBACK_EXPORT_EVERY_MS = MINUTE_MS
const FALLBACK_RETENTION_EVERY_MS = 24 * HOUR_MS

type Deps = ReturnType<typeof jobDeps>

/** The jobs of this process, set up at start and started once the bucket is measured. */
interface Jobs {
  start(): void
  /** Lets a running job finish, then closes what the jobs hold, in order. */
  stop(): Promise<void>
}

/** BullMQ: schedulers upserted, startup jobs queued, one worker that takes jobs once started. */
async function prepareQueue(config: ExportWorkerConfig, redisUrl: string, producer: Redis, deps: Deps, log: FastifyBaseLogger): Promise<Jobs> {
  const workerConnection = createWorkerRedis(redisUrl)
  workerConnection.on('error', () => {}) // the worker's 'error' event logs it
  const queue = createExportQueue(producer, config.queuePrefix)
  const schedule = { exportCron: config.exportCron, retentionCron: config.retentionCron, attempts: config.jobAttempts, backoffMs: config.jobBackoffMs }
  await queue.waitUntilReady()
  await upsertSchedulers(queue, schedule)
  await enqueueStartupJobs(queue, schedule)
  const worker = createExportWorker({ connection: workerConnection, prefix: config.queuePrefix, export: deps.exportDeps, retention: deps.retentionDeps, log, autorun: false })
  log.info({ exportCron: config.exportCron, retentionCron: config.retentionCron }, 'BullMQ schedulers upserted')
  return {
    start: () => void worker.run().catch((error: unknown) => log.error({ err: error }, 'the export worker stopped')),
    stop: async () => {
      await worker.close() // waits for a running job to finish
      await queue.close()
      await workerConnection.quit()
    },
  }
}

function prepareFallback(deps: Deps, log: FastifyBaseLogger): Jobs {
  log.warn('REDIS_URL is not set: DEGRADED MODE, the export and the retention run on in-process timers')
  let schedule: InProcessSchedule | undefined
  return {
    start: () => {
      schedule = startInProcessSchedule(
        [
          { name: 'parquet-export', everyMs: FALLBACK_EXPORT_EVERY_MS, run: () => processParquetExport({ trigger: 'schedule' }, deps.exportDeps) },
          { name: 'retention', everyMs: FALLBACK_RETENTION_EVERY_MS, run: () => processRetention({ trigger: 'schedule' }, deps.retentionDeps) },
        ],
        log,
      )
    },
    stop: async () => schedule?.stop(),
  }
}

/**
 * Every start lists the bucket for feature_storage_size_bytes{layer="s3"} (kept in PostgreSQL,
 * export_storage), whatever BullMQ kept of earlier starts: exports only add what they write. The
 * jobs start after the listing, so no export of this process adds a file the listing may already
 * have counted (or count one it missed); /readyz does not wait for it. If S3 cannot be listed the
 * jobs start anyway.
 */
async function measureThenStart(objects: ObjectStore, s3Total: S3Total, jobs: Jobs, signal: AbortSignal, log: FastifyBaseLogger): Promise<void> {
  try {
    log.info(await measureS3Storage(objects, s3Total, { signal }), 'S3 storage measured')
  } catch (error) {
    if (signal.aborted) return
    log.warn({ err: error }, 'the S3 storage could not be measured: feature_storage_size_bytes{layer="s3"} counts only new exports until the daily retention lists the bucket')
  }
  if (!signal.aborted) jobs.start()
}

async function main(): Promise<void> {
  const config = loadExportWorkerConfig(process.env)
  const registry = new Registry()
  const runtime = await openRuntime(config)
  const watermarks = createWatermarkStore(runtime.sql)
  const metrics = createExportMetrics({ registry, readWatermark: () => watermarks.read(), readS3Bytes: () => runtime.s3Total.read() })
  const redisUrl = config.redisUrl
  const producer = redisUrl ? createProducerRedis(redisUrl) : undefined
  producer?.on('error', () => {}) // reported by /readyz, never a crash
  const app = await buildApp({ sql: runtime.sql, redis: producer, objects: runtime.objects, registry, logger: { level: config.logLevel } })
  // The bucket now, so /readyz reports S3 ready before the first export; every cycle ensures it again.
  await runtime.objects.ensureBucket(app.log).catch((error) => app.log.warn({ err: error }, 'S3 is not reachable yet: /readyz says so; each export cycle tries again'))
  const deps = jobDeps(config, runtime, { metrics, log: app.log })

  const measuring = new AbortController()
  let stopJobs: () => Promise<void> = async () => {}
  // Listening first: while Redis or S3 is still coming up, /readyz says which one.
  await runService(app, {
    host: config.host,
    port: config.port,
    // After HTTP: the jobs (a running one finishes), then Redis and PostgreSQL.
    onClose: async () => {
      measuring.abort()
      await stopJobs()
      await producer?.quit().catch(() => {})
      await runtime.close()
    },
  })
  const jobs = redisUrl && producer ? await prepareQueue(config, redisUrl, producer, deps, app.log) : prepareFallback(deps, app.log)
  stopJobs = jobs.stop
  void measureThenStart(runtime.objects, runtime.s3Total, jobs, measuring.signal, app.log)
}

main().catch(exitOnStartFailure)
