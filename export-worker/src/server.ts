import { HOUR_MS, MINUTE_MS } from '@lav/shared/time'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { exitOnStartFailure, runService } from '@lav/shared'
import { Registry } from 'prom-client'
import { buildApp } from './app'
import { loadExportWorkerConfig, type ExportWorkerConfig } from './config'
import { createWatermarkStore } from './export/watermark'
import { createExportMetrics } from './metrics/export-metrics'
import { createExportQueue, enqueueStartupJobs, upsertSchedulers } from './queue/export-queue'
import { createExportWorker } from './queue/export-worker'
import { startInProcessSchedule } from './queue/in-process-schedule'
import { processParquetExport, processRetention } from './queue/processors'
import { createProducerRedis, createWorkerRedis } from './queue/redis-connections'
import { jobDeps, openRuntime } from './runtime'

// Degraded mode: a cycle with no closed window costs one query, so a minute is cheap and keeps
// S3 within a minute of the cron's schedule; retention is daily as with BullMQ.
const FALLBACK_EXPORT_EVERY_MS = MINUTE_MS
const FALLBACK_RETENTION_EVERY_MS = 24 * HOUR_MS

type Deps = ReturnType<typeof jobDeps>

/** BullMQ: schedulers upserted, startup jobs queued, one worker. Returns its closer, in order. */
async function startQueue(config: ExportWorkerConfig, redisUrl: string, producer: Redis, deps: Deps, log: FastifyBaseLogger) {
  const workerConnection = createWorkerRedis(redisUrl)
  workerConnection.on('error', () => {}) // the worker's 'error' event logs it
  const queue = createExportQueue(producer, config.queuePrefix)
  const schedule = { exportCron: config.exportCron, retentionCron: config.retentionCron, attempts: config.jobAttempts, backoffMs: config.jobBackoffMs }
  await queue.waitUntilReady()
  await upsertSchedulers(queue, schedule)
  await enqueueStartupJobs(queue, schedule)
  const worker = createExportWorker({ connection: workerConnection, prefix: config.queuePrefix, export: deps.exportDeps, retention: deps.retentionDeps, log })
  log.info({ exportCron: config.exportCron, retentionCron: config.retentionCron }, 'BullMQ schedulers upserted, worker started')
  return async () => {
    await worker.close() // waits for a running job to finish
    await queue.close()
    await workerConnection.quit()
  }
}

function startFallback(deps: Deps, log: FastifyBaseLogger) {
  log.warn('REDIS_URL is not set: DEGRADED MODE, the export and the retention run on in-process timers')
  const schedule = startInProcessSchedule(
    [
      { name: 'parquet-export', everyMs: FALLBACK_EXPORT_EVERY_MS, run: () => processParquetExport({ trigger: 'schedule' }, deps.exportDeps) },
      { name: 'retention', everyMs: FALLBACK_RETENTION_EVERY_MS, run: () => processRetention({ trigger: 'schedule' }, deps.retentionDeps) },
    ],
    log,
  )
  return () => schedule.stop()
}

async function main(): Promise<void> {
  const config = loadExportWorkerConfig(process.env)
  const registry = new Registry()
  const runtime = await openRuntime(config)
  const watermarks = createWatermarkStore(runtime.sql)
  const metrics = createExportMetrics({ registry, readWatermark: () => watermarks.read() })
  const redisUrl = config.redisUrl
  const producer = redisUrl ? createProducerRedis(redisUrl) : undefined
  producer?.on('error', () => {}) // reported by /readyz, never a crash
  const app = await buildApp({ sql: runtime.sql, redis: producer, objects: runtime.objects, registry, logger: { level: config.logLevel } })
  if (runtime.migrations.length > 0) app.log.info({ applied: runtime.migrations }, 'migrations applied')
  // The bucket now, so /readyz reports S3 ready before the first export; every cycle ensures it again.
  await runtime.objects.ensureBucket().catch((error) => app.log.warn({ err: error }, 'S3 is not reachable yet: /readyz says so; each export cycle tries again'))
  const deps = jobDeps(config, runtime, { metrics, log: app.log })

  let stopJobs: () => Promise<void> = async () => {}
  // Listening first: while Redis or S3 is still coming up, /readyz says which one.
  await runService(app, {
    host: config.host,
    port: config.port,
    // After HTTP: the jobs (a running one finishes), then Redis and PostgreSQL.
    onClose: async () => {
      await stopJobs()
      await producer?.quit().catch(() => {})
      await runtime.close()
    },
  })
  stopJobs = redisUrl && producer ? await startQueue(config, redisUrl, producer, deps, app.log) : startFallback(deps, app.log)
}

main().catch(exitOnStartFailure)
