import { randomUUID } from 'node:crypto'
import { DeleteBucketCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { ZodApp } from '@lav/shared'
import { Registry } from 'prom-client'
import { inject } from 'vitest'
import { S3RVER_CREDENTIALS } from '../../test/support/s3-server'
import { bearer, startStore, type StoreHarness } from '@lav/feature-store-svc/testing'
import { buildApp } from '../src/app'
import type { ExportCycleDeps } from '../src/export/export-cycle'
import { createWatermarkStore } from '../src/export/watermark'
import { alignDown, WINDOW_MS } from '../src/export/windows'
import { createExportMetrics } from '../src/metrics/export-metrics'
import { createS3Total } from '../src/metrics/s3-total'
import { createProducerRedis } from '../src/queue/redis-connections'
import { createObjectStore, type ObjectStore } from '../src/s3/object-store'
import { createS3Client } from '../src/s3/s3-client'
import { decodeParquet, type ComparableRow } from './parquet-reader'

export { DEPTH, WALCL, BTC_FLOW, point } from '@lav/feature-store-svc/testing'
export { decodeParquet, type ComparableRow } from './parquet-reader'
export const PERP_OI = 'cex/agg/perp_oi_usd'
export const API = '/api/features/v1'
const PUBLISHER = bearer('oracle.publisher')


export interface ExportHarness {
  store: StoreHarness
  s3: S3Client
  objects: ObjectStore
  bucket: string
  /** The test's clock: windows close by it, never by the wall clock. */
  clock: { now: number }
  deps(overrides?: Partial<ExportCycleDeps>): ExportCycleDeps
  /** Publishes through POST /publish, then re-stamps the new rows as ingested at `atMs`. */
  publishAt(atMs: number, points: object[]): Promise<void>
  watermark(): Promise<number | null>
  parquetKeys(): Promise<string[]>
  objectKeys(startingWith?: string): Promise<string[]>
  readObject(key: string): Promise<Uint8Array>
  /** Every row of every Parquet file in the bucket, read with hyparquet (an independent reader). */
  readExported(): Promise<ComparableRow[]>
  pgRows(): Promise<ComparableRow[]>
  close(): Promise<void>
}

/** The S3 endpoint of the run (or `endpoint`), with its credentials: S3_* when set, else s3rver's. */
export function testS3Client(endpoint = inject('s3Endpoint')): S3Client {
  const credentials = process.env.S3_ACCESS_KEY_ID && process.env.S3_SECRET_ACCESS_KEY
    ? { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY }
    : S3RVER_CREDENTIALS
  return createS3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true })
}

/** A start instant of the test clock: well in the past, aligned on a window, so every window closes. */
export function testEpoch(): number {
  return alignDown(Date.now() - 3 * 24 * 3_600_000)
}

/**
 * A migrated, seeded feature store on its own database (feature-store-svc's harness) plus a
 * bucket of its own on the run's S3 server (or `endpoint`, for a test that stops its server).
 */
export async function startExportHarness(options: { endpoint?: string } = {}): Promise<ExportHarness> {
  const store = await startStore({ redisUrl: null })
  const s3 = testS3Client(options.endpoint)
  const bucket = `lav-test-${randomUUID().slice(0, 13)}`
  const objects = createObjectStore({ client: s3, bucket, prefix: '', multipartThresholdBytes: 5 * 1024 * 1024, expireAfterDays: 365 })
  const clock = { now: testEpoch() }
  const watermarks = createWatermarkStore(store.sql)

  const readObject = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return object.Body!.transformToByteArray()
  }
  const keys = async () => {
    const all: string[] = []
    for await (const page of objects.list()) all.push(...page.map((object) => object.key))
    return all.sort()
  }
  const parquetKeys = async () => (await keys()).filter((key) => key.endsWith('.parquet'))

  return {
    store,
    s3,
    objects,
    bucket,
    clock,
    deps: (overrides = {}) => ({
      sql: store.sql,
      objects,
      s3Total: createS3Total(store.sql),
      lagMs: 60_000,
      maxRowsPerFile: 100_000,
      uploadConcurrency: 4,
      now: () => clock.now,
      ...overrides,
    }),
    async publishAt(atMs, points) {
      const [before] = await store.sql<{ at: Date }[]>`select clock_timestamp() as at`
      const response = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUBLISHER, payload: points })
      const body = response.json()
      if (response.statusCode !== 200 || body.rejected !== 0) throw new Error(`publish failed: ${response.statusCode} ${JSON.stringify(body)}`)
      await store.sql`
        update features_values set ingested_at = ${new Date(atMs)} + (ingested_at - ${before!.at})
        where ingested_at >= ${before!.at}`
      // A revision ended the replaced version's interval at the new version's ingested_at: the
      // same shift keeps the two equal.
      await store.sql`
        update features_revisions set known_until = ${new Date(atMs)} + (known_until - ${before!.at})
        where known_until >= ${before!.at}`
    },
    watermark: () => watermarks.read(),
    parquetKeys,
    objectKeys: async (startingWith = '') => (await keys()).filter((key) => key.startsWith(startingWith)),
    readObject,
    async readExported() {
      const rows: ComparableRow[] = []
      for (const key of await parquetKeys()) rows.push(...(await decodeParquet(await readObject(key))))
      return rows
    },
    async pgRows() {
      const rows = await store.sql<{ feature_id: string; ts: Date; value: number; confidence: number; meta: unknown; evidence: unknown; ingested_ms: number; known_ms: number }[]>`
        select feature_id, ts, value, confidence, meta, evidence, floor(extract(epoch from ingested_at) * 1000)::float8 as ingested_ms,
               ceil(extract(epoch from coalesce(known_at, ingested_at)) * 1000)::float8 as known_ms
        from features_values order by feature_id, ts`
      return rows.map((row) => ({
        feature_id: row.feature_id,
        ts: row.ts.getTime(),
        value: row.value,
        confidence: row.confidence,
        ingested_at: row.ingested_ms,
        known_at: row.known_ms,
        meta: row.meta,
        evidence: row.evidence,
      }))
    },
    async close() {
      const all = await keys().catch(() => [])
      await objects.delete(all).catch(() => {})
      await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {})
      s3.destroy()
      await store.close()
    },
  }
}

/** The readers' rule: per (feature_id, ts), the row with the greatest ingested_at is current. */
export function currentRows(rows: ComparableRow[]): ComparableRow[] {
  const current = new Map<string, ComparableRow>()
  for (const row of rows) {
    const key = `${row.feature_id}|${row.ts}`
    const seen = current.get(key)
    if (!seen || row.ingested_at > seen.ingested_at) current.set(key, row)
  }
  return [...current.values()].sort(byKey)
}

export const byKey = (a: ComparableRow, b: ComparableRow) => (a.feature_id < b.feature_id ? -1 : a.feature_id > b.feature_id ? 1 : a.ts - b.ts)

/** The instant `n` windows after `from`. */
export const windowsAfter = (from: number, n: number) => from + n * WINDOW_MS

/**
 * export-worker's HTTP side on the store's database, with the export metrics on its registry as
 * its server.ts wires them, listening on a free port: a scrape target for prometheus/live-stack.ts.
 */
export async function listenExportWorker(store: StoreHarness, closers: Array<() => unknown>): Promise<string> {
  const s3 = testS3Client()
  closers.push(() => s3.destroy())
  const bucket = `lav-live-${randomUUID().slice(0, 13)}`
  const objects = createObjectStore({ client: s3, bucket, prefix: '', multipartThresholdBytes: 5 * 1024 * 1024, expireAfterDays: 365 })
  await objects.ensureBucket()
  closers.push(() => s3.send(new DeleteBucketCommand({ Bucket: bucket })))
  const redis = createProducerRedis(inject('redisUrl'))
  redis.on('error', () => {})
  closers.push(() => redis.disconnect())
  const registry = new Registry()
  const watermarks = createWatermarkStore(store.sql)
  createExportMetrics({ registry, readWatermark: () => watermarks.read() })
  const app: ZodApp = await buildApp({ sql: store.sql, redis, objects, registry, logger: false, defaultMetrics: false })
  closers.push(() => app.close())
  return app.listen({ host: '127.0.0.1', port: 0 })
}
