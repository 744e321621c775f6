import { randomUUID } from 'node:crypto'
import { EXPORT_JOBS } from '@lav/shared/contracts'
import type { Job, Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createExportQueue, enqueueStartupJobs, jobOptions, upsertSchedulers } from '../src/queue/export-queue'
import { createExportWorker } from '../src/queue/export-worker'
import { createProducerRedis, createWorkerRedis } from '../src/queue/redis-connections'
import { byKey, DEPTH, point, startExportHarness, WALCL, windowsAfter, type ExportHarness } from './harness'

let h: ExportHarness
let producer: Redis
let consumer: Redis
let queue: Queue
let worker: Worker
const prefix = `test-${randomUUID()}`

beforeAll(async () => {
  h = await startExportHarness()
  producer = createProducerRedis(inject('redisUrl'))
  consumer = createWorkerRedis(inject('redisUrl'))
  queue = createExportQueue(producer, prefix)
  await queue.waitUntilReady()
  const retention = { sql: h.store.sql, objects: h.objects, pgRetentionDays: 90, s3RetentionDays: 365, now: () => h.clock.now }
  worker = createExportWorker({ connection: consumer, prefix, export: h.deps(), retention, log: { warn: () => {}, error: () => {} } })
})
afterAll(async () => {
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  await producer.quit()
  await consumer.quit()
  await h.close()
})

/** The next job of `name` the worker finishes, completed or failed. */
function nextFinished(name: string): Promise<Job> {
  return new Promise((resolve) => {
    const onDone = (job: Job | undefined) => {
      if (job?.name !== name) return
      worker.off('completed', onDone)
      worker.off('failed', onDone)
      resolve(job)
    }
    worker.on('completed', onDone)
    worker.on('failed', onDone)
  })
}

describe('the BullMQ scheduler and worker', () => {
  it('enqueues the export on its cron and the worker exports the closed windows', async () => {
    const epoch = h.clock.now
    const ts = new Date(epoch - 3_600_000).toISOString()
    await h.publishAt(epoch + 60_000, [point(WALCL, ts, 5e12), point(DEPTH, ts, 1e9)])
    h.clock.now = windowsAfter(epoch, 1) + 61_000

    const exported = nextFinished(EXPORT_JOBS.parquetExport)
    // Every second (BullMQ's cron takes a leading seconds field); retention on a day that never comes.
    await upsertSchedulers(queue, { exportCron: '* * * * * *', retentionCron: '0 0 1 1 *', attempts: 3, backoffMs: 100 })
    const job = await exported
    expect(job.data).toEqual({ trigger: 'schedule' })
    expect(job.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 100 } })
    expect(job.returnvalue).toMatchObject({ status: 'exported', windows: 1, files: 2, rows: 2 })
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())

    // The next tick finds nothing new: the watermark, not the delivery count, decides.
    expect((await nextFinished(EXPORT_JOBS.parquetExport)).returnvalue).toMatchObject({ status: 'exported', windows: 0, rows: 0 })
    const schedulers = await queue.getJobSchedulers()
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      [EXPORT_JOBS.parquetExport, '* * * * * *', 'UTC'],
      [EXPORT_JOBS.retention, '0 0 1 1 *', 'UTC'],
    ])
    await queue.removeJobScheduler(EXPORT_JOBS.parquetExport)
  })

  it('upserting again replaces a scheduler rather than adding one', async () => {
    await upsertSchedulers(queue, { exportCron: '*/15 * * * *', retentionCron: '30 3 * * *', attempts: 5, backoffMs: 30_000 })
    await upsertSchedulers(queue, { exportCron: '*/15 * * * *', retentionCron: '30 3 * * *', attempts: 5, backoffMs: 30_000 })
    expect(await queue.getJobSchedulersCount()).toBe(2)
    await queue.removeJobScheduler(EXPORT_JOBS.parquetExport)
    await queue.removeJobScheduler(EXPORT_JOBS.retention)
  })

  it('fails a job with an invalid payload at once, without retries', async () => {
    const failed = nextFinished(EXPORT_JOBS.parquetExport)
    await queue.add(EXPORT_JOBS.parquetExport, { trigger: 'whenever' }, jobOptions({ attempts: 5, backoffMs: 100 }))
    const job = await failed
    expect(job.failedReason).toMatch(/invalid job payload: trigger/)
    expect(job.attemptsMade).toBe(1)
  })

  it('queues one startup export per start and one startup retention per day', async () => {
    const retention = nextFinished(EXPORT_JOBS.retention)
    await enqueueStartupJobs(queue, { attempts: 3, backoffMs: 100 }, h.clock.now)
    await enqueueStartupJobs(queue, { attempts: 3, backoffMs: 100 }, h.clock.now)
    expect((await retention).returnvalue).toMatchObject({ postgres: { dropped: [] }, s3: { deleted: 0 } })
    const retentions = (await queue.getJobs(['completed', 'waiting', 'active', 'delayed'])).filter((job) => job.name === EXPORT_JOBS.retention)
    expect(retentions).toHaveLength(1)
  })
})
