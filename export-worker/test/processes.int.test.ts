import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { freePort } from '../../test/support/redis-server'
import { S3RVER_CREDENTIALS } from '../../test/support/s3-server'
import { createProducerRedis } from '../src/queue/redis-connections'
import { alignDown, manifestKey, WINDOW_MS, windowAt } from '../src/export/windows'
import { byKey, DEPTH, point, startExportHarness, WALCL, type ExportHarness } from './harness'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = 'export-worker/src/cli/export-once.ts'
const SERVER = 'export-worker/src/server.ts'
let h: ExportHarness

beforeEach(async () => {
  h = await startExportHarness()
  // Two windows back by the real clock: the child processes close windows by the database's clock.
  const at = alignDown(Date.now()) - 2 * WINDOW_MS + 60_000
  const ts = new Date(at - 86_400_000).toISOString()
  await h.publishAt(at, [point(WALCL, ts, 5e12), point(DEPTH, ts, 1e9)])
})
afterEach(async () => {
  await h.close()
})

function workerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: h.store.database.url,
    FEATURE_STORE_EXPORT_S3_URI: `s3://${h.bucket}`,
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID ?? S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY ?? S3RVER_CREDENTIALS.secretAccessKey,
    LOG_LEVEL: 'warn',
    ...extra,
  }
}

function run(entry: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (data: Buffer) => (output += data.toString()))
  child.stderr.on('data', (data: Buffer) => (output += data.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return Object.assign(child, { output: () => output, exited })
}

/** 300,000 rows of one feature over 30 days, all ingested at `at`: a window whose export takes a while. */
async function seedLargeWindow(at: number): Promise<void> {
  const firstDay = Math.floor(at / 86_400_000) - 30
  await h.store.sql`select ensure_features_values_partition((to_timestamp(${firstDay} * 86400) + d * interval '1 day')::date) from generate_series(0, 29) as d`
  await h.store.sql`
    insert into features_values (feature_id, ts, value, confidence, ingested_at)
    select ${DEPTH}, to_timestamp(${firstDay} * 86400) + i * interval '6 seconds', 1e9 + i, 1, ${new Date(at)}
    from generate_series(0, 299999) as i`
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('npm run export -- --once', () => {
  it('exports the closed windows, prints files, rows and windows, and exits 0', async () => {
    const cli = run(CLI, ['--once'], workerEnv())
    expect(await cli.exited, cli.output()).toBe(0)
    expect(cli.output()).toMatch(/exported 1 windows, 2 files, 2 rows \(\d+ windows without rows: empty manifests\); watermark \d{4}-/)
    expect(cli.output()).toContain(`s3://${h.bucket}/${WALCL}/dt=`)
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())

    const again = run(CLI, ['--once'], workerEnv())
    expect(await again.exited).toBe(0)
    expect(again.output()).toMatch(/exported 0 windows, 0 files, 0 rows/)
  })

  it('a run killed (SIGKILL) in the middle of a window: the next run exports that window once, completely', async () => {
    // A window large enough that the export is still running when the kill comes.
    const at = alignDown(Date.now()) - 2 * WINDOW_MS + 120_000
    await seedLargeWindow(at)
    const killed = run(CLI, ['--once'], workerEnv())
    // Some of the window's files are in S3 already: the kill lands mid-window.
    await until(async () => ((await h.parquetKeys()).some((key) => key.startsWith(`${DEPTH}/`)) ? true : undefined), 'the first files of the window', 60_000)
    killed.kill('SIGKILL')
    await killed.exited
    const watermarkAfterKill = await h.watermark()

    const rerun = run(CLI, ['--once'], workerEnv())
    expect(await rerun.exited, rerun.output()).toBe(0)
    expect(await h.watermark()).toBeGreaterThan(watermarkAfterKill ?? 0)
    // Every row exactly once: the rerun wrote the same keys again, nothing doubled or missing.
    expect((await h.readExported()).sort(byKey)).toEqual((await h.pgRows()).sort(byKey))
    // The window is complete in S3: its manifest, written last, lists all of its rows (with the
    // two points every test here starts with).
    const manifest = JSON.parse(Buffer.from(await h.readObject(manifestKey(windowAt(alignDown(at))))).toString())
    expect(manifest.rows).toBe(300_002)
  }, 120_000)

  it('exits non-zero with the usage without --once, and names a bad variable', async () => {
    const usage = run(CLI, [], workerEnv())
    expect(await usage.exited).toBe(2)
    expect(usage.output()).toContain('usage: npm run export -- --once')
    const bad = run(CLI, ['--once'], workerEnv({ FEATURE_STORE_PARQUET_BATCH_CRON: 'every quarter hour' }))
    expect(await bad.exited).toBe(1)
    expect(bad.output()).toMatch(/FEATURE_STORE_PARQUET_BATCH_CRON/)
  })
})

describe('the worker process', () => {
  async function startServer(extra: Record<string, string>) {
    const port = await freePort()
    const server = run(SERVER, [], workerEnv({ EXPORT_WORKER_PORT: String(port), ...extra }))
    const base = `http://127.0.0.1:${port}`
    await until(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), '/readyz')
    return {
      metricsWith: (text: string) => until(async () => {
        const metrics = await (await fetch(`${base}/metrics`)).text()
        return metrics.includes(text) ? metrics : undefined
      }, text),
      async stop() {
        server.kill('SIGTERM')
        expect(await server.exited, server.output()).toBe(0)
      },
    }
  }

  async function expectStartupExport(server: Awaited<ReturnType<typeof startServer>>) {
    // Exports at start: the in-process timer runs at once, BullMQ gets a startup job.
    await until(async () => ((await h.watermark()) !== null && (await h.parquetKeys()).length === 2 ? true : undefined), 'the startup export')
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
    expect(await server.metricsWith('export_rows_total 2')).toMatch(/export_lag_seconds \d/)
  }

  async function bucketBytes(): Promise<number> {
    let total = 0
    for await (const page of h.objects.list()) for (const object of page) total += object.size
    return total
  }

  it('without REDIS_URL runs the export on its in-process timer (degraded mode) and stops cleanly', async () => {
    const server = await startServer({})
    await expectStartupExport(server)
    await server.stop()
  })

  it('with Redis runs the export through BullMQ and stops cleanly', async () => {
    const prefix = `test-${randomUUID()}`
    const redis = createProducerRedis(inject('redisUrl'))
    try {
      const server = await startServer({ REDIS_URL: inject('redisUrl'), EXPORT_QUEUE_PREFIX: prefix })
      await expectStartupExport(server)
      await server.stop()
      const queue = new Queue('lav-export', { connection: redis, prefix })
      expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['parquet-export', 'retention'])
      await queue.obliterate({ force: true })
      await queue.close()
    } finally {
      redis.disconnect()
    }
  })

  it('with Redis, SIGTERM during an export lets the running job finish: every row exported, the watermark moved, exit 0', async () => {
    // A window large enough that the export is still running when the signal comes.
    const at = alignDown(Date.now()) - 2 * WINDOW_MS + 120_000
    await seedLargeWindow(at)
    const prefix = `test-${randomUUID()}`
    const redis = createProducerRedis(inject('redisUrl'))
    try {
      const server = await startServer({ REDIS_URL: inject('redisUrl'), EXPORT_QUEUE_PREFIX: prefix })
      // The export holds its advisory lock while it runs.
      await until(async () => ((await h.store.sql`select 1 from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`).length > 0 ? true : undefined), 'the export to start', 30_000)
      await server.stop()
      expect(await h.watermark()).not.toBeNull()
      expect((await h.readExported()).length).toBe((await h.pgRows()).length)
      expect((await h.readExported()).sort(byKey)).toEqual((await h.pgRows()).sort(byKey))
      const queue = new Queue('lav-export', { connection: redis, prefix })
      await queue.obliterate({ force: true })
      await queue.close()
    } finally {
      redis.disconnect()
    }
  }, 90_000)

  it('with Redis, restarted the same day, measures the bucket again: feature_storage_size_bytes{layer="s3"} is its real total', async () => {
    const prefix = `test-${randomUUID()}`
    const env = { REDIS_URL: inject('redisUrl'), EXPORT_QUEUE_PREFIX: prefix }
    const redis = createProducerRedis(inject('redisUrl'))
    try {
      const first = await startServer(env)
      await expectStartupExport(first)
      await first.stop()
      // An object this process did not export (another replica's, an upload by hand): only a listing sees it.
      await h.objects.put('notes/readme.txt', new Uint8Array(1_234), { contentType: 'text/plain', metadata: {} })

      // BullMQ keeps the first start's retention job, so this start queues none: the process lists the bucket itself.
      const second = await startServer(env)
      await second.metricsWith(`feature_storage_size_bytes{layer="s3"} ${await bucketBytes()}`)
      await second.stop()
      const queue = new Queue('lav-export', { connection: redis, prefix })
      await queue.obliterate({ force: true })
      await queue.close()
    } finally {
      redis.disconnect()
    }
  })
})
