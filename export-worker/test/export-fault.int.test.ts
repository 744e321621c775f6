import { randomUUID } from 'node:crypto'
import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3'
import { EXPORT_JOBS, type ParquetExportJob } from '@lav/shared/contracts'
import type { Job } from 'bullmq'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startS3Server, type S3ServerHandle } from '../../test/support/s3-server'
import { runExportCycle } from '../src/export/export-cycle'
import { createExportMetrics } from '../src/metrics/export-metrics'
import { createExportQueue, jobOptions } from '../src/queue/export-queue'
import { createExportWorker } from '../src/queue/export-worker'
import { createProducerRedis, createWorkerRedis } from '../src/queue/redis-connections'
import { manifestKey, WINDOW_MS, windowAt } from '../src/export/windows'
import { createObjectStore } from '../src/s3/object-store'
import { byKey, DEPTH, PERP_OI, point, startExportHarness, testS3Client, WALCL, BTC_FLOW, windowsAfter, type ExportHarness } from './harness'

const MINUTE = 60_000
const DAY = 86_400_000
let server: S3ServerHandle
let h: ExportHarness
let epoch: number
let puts = 0
let outageAtPut = Number.POSITIVE_INFINITY
/** The S3 server stops as the n-th PUT from now goes out: an outage in the middle of a window. */
const armOutage = (atPut: number) => {
  puts = 0
  outageAtPut = atPut
}

beforeAll(async () => {
  server = await startS3Server()
  h = await startExportHarness({ endpoint: server.endpoint })
  epoch = h.clock.now
  h.s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand' && ++puts === outageAtPut) await server.stop()
      return next(args)
    },
    { step: 'initialize', name: 'stopS3MidCycle' },
  )
})
afterAll(async () => {
  await h.close()
  await server.remove()
})

const iso = (ms: number) => new Date(ms).toISOString()

// Each test below has a client of its own on the test's server, its middleware added before its
// first request: the client resolves its middleware stack once per command class.
const storeOn = (client: S3Client, now?: () => number) =>
  createObjectStore({ client, bucket: h.bucket, prefix: '', multipartThresholdBytes: 5 * 1024 * 1024, expireAfterDays: 365, now })

async function publishWindow(n: number): Promise<void> {
  const ts = epoch - (n + 1) * 3_600_000
  await h.publishAt(windowsAfter(epoch, n) + MINUTE, [point(WALCL, iso(ts), 5e12 + n), point(DEPTH, iso(ts), 1e9 + n), point(PERP_OI, iso(ts), 1e10 + n), point(BTC_FLOW, iso(ts), n)])
  h.clock.now = windowsAfter(epoch, n + 1) + 61_000
}

describe('S3 failing during a cycle', () => {
  it('fails the cycle and keeps the watermark; once S3 is back the retry exports everything once', async () => {
    await publishWindow(0)
    const registry = new Registry()
    const metrics = createExportMetrics({ registry, readWatermark: h.watermark })
    armOutage(2)
    await expect(runExportCycle(h.deps({ metrics, uploadConcurrency: 1 }))).rejects.toThrow()
    expect(await h.watermark()).toBe(epoch)
    expect((await registry.getSingleMetric('export_failures_total')?.get())?.values).toEqual([{ value: 1, labels: { kind: 'export' } }])

    await server.start()
    armOutage(Number.POSITIVE_INFINITY)
    // Half a window reached S3 before the outage, but no manifest: nothing recorded it as done.
    expect(await h.parquetKeys()).toHaveLength(1)
    expect(await h.objectKeys('_manifests/')).toEqual([])
    const retry = await runExportCycle(h.deps({ metrics }))
    expect(retry.rows).toBe(4)
    expect(await h.watermark()).toBe(windowsAfter(epoch, 1))
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
  })

  it('through BullMQ: the job fails, the watermark stays, and its retry succeeds once S3 is back', async () => {
    await publishWindow(1)
    const prefix = `test-${randomUUID()}`
    const producer = createProducerRedis(inject('redisUrl'))
    const consumer = createWorkerRedis(inject('redisUrl'))
    const queue = createExportQueue(producer, prefix)
    const retention = { sql: h.store.sql, objects: h.objects, pgRetentionDays: 90, s3RetentionDays: 365, now: () => h.clock.now }
    const log = { warn: () => {}, error: () => {} }
    const worker = createExportWorker({ connection: consumer, prefix, export: h.deps(), retention, log })
    try {
      const firstFailure = new Promise<Job>((resolve) => worker.once('failed', (job) => resolve(job!)))
      const completed = new Promise<Job>((resolve) => worker.once('completed', (job) => resolve(job)))
      armOutage(2)
      await queue.waitUntilReady()
      const job: ParquetExportJob = { trigger: 'manual' }
      await queue.add(EXPORT_JOBS.parquetExport, job, jobOptions({ attempts: 6, backoffMs: 200 }))

      expect((await firstFailure).attemptsMade).toBe(1)
      expect(await h.watermark()).toBe(windowsAfter(epoch, 1))
      await server.start()
      armOutage(Number.POSITIVE_INFINITY)
      const done = await completed
      expect(done.returnvalue).toMatchObject({ status: 'exported', windows: 1, rows: 4, watermark: iso(windowsAfter(epoch, 2)) })
      expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
    } finally {
      await worker.close()
      await queue.obliterate({ force: true })
      await queue.close()
      await producer.quit()
      await consumer.quit()
    }
  })
})

describe('S3 refusing the lifecycle rule', () => {
  const LIFECYCLE_COMMANDS = ['GetBucketLifecycleConfigurationCommand', 'PutBucketLifecycleConfigurationCommand']

  it('exports and moves the watermark anyway, warns once naming the error, and asks again a day later', async () => {
    const asked: string[] = []
    const client = testS3Client(server.endpoint)
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!LIFECYCLE_COMMANDS.includes(context.commandName ?? '')) return next(args)
        asked.push(context.commandName!)
        // What AWS answers a role whose policy lacks s3:GetLifecycleConfiguration.
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
      },
      { step: 'initialize', name: 'denyLifecycle' },
    )
    const storeClock = { now: Date.now() }
    const objects = storeOn(client, () => storeClock.now)
    const warnings: string[] = []
    const log = { info: () => {}, warn: (_object: object, message: string) => warnings.push(message) }
    try {
      await publishWindow(2)
      const first = await runExportCycle(h.deps({ objects, log }))
      expect(first.windows.map((window) => window.rows)).toEqual([4])
      expect(await h.watermark()).toBe(windowsAfter(epoch, 3))
      expect(asked).toHaveLength(1)
      expect(warnings).toEqual([expect.stringMatching(/lifecycle rule could not be set \(AccessDenied\)/)])

      await publishWindow(3)
      expect((await runExportCycle(h.deps({ objects, log }))).rows).toBe(4)
      expect(await h.watermark()).toBe(windowsAfter(epoch, 4))
      expect(asked).toHaveLength(1)

      storeClock.now += DAY
      await runExportCycle(h.deps({ objects, log }))
      expect(asked).toHaveLength(2)
      expect(warnings).toHaveLength(1)
      expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
    } finally {
      client.destroy()
    }
  })
})

describe('a HEAD that does not confirm the object just written', () => {
  it('fails the cycle and leaves the watermark where it was, for a wrong length or a wrong SHA-256', async () => {
    let alter: ((head: HeadObjectCommandOutput) => void) | undefined
    const client = testS3Client(server.endpoint)
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args)
        if (context.commandName === 'HeadObjectCommand') alter?.(result.output as HeadObjectCommandOutput)
        return result
      },
      { step: 'initialize', name: 'alterHead' },
    )
    const objects = storeOn(client)
    try {
      await publishWindow(4)
      const before = (await h.watermark())!
      const misreports = [
        (head: HeadObjectCommandOutput) => void (head.ContentLength = (head.ContentLength ?? 0) + 1),
        (head: HeadObjectCommandOutput) => void (head.Metadata = { ...head.Metadata, sha256: '0'.repeat(64) }),
      ]
      for (const misreport of misreports) {
        alter = misreport
        await expect(runExportCycle(h.deps({ objects }))).rejects.toThrow(/is not the object just written/)
        expect(await h.watermark()).toBe(before)
        expect(await h.objectKeys('_manifests/')).not.toContain(manifestKey(windowAt(before)))
      }

      alter = undefined
      expect((await runExportCycle(h.deps({ objects }))).rows).toBe(4)
      expect(await h.watermark()).toBe(before + WINDOW_MS)
      expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
    } finally {
      client.destroy()
    }
  })
})
