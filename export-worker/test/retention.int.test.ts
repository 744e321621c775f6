import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExportCycle } from '../src/export/export-cycle'
import { createExportMetrics } from '../src/metrics/export-metrics'
import { createS3Total } from '../src/metrics/s3-total'
import { dropExpiredPartitions } from '../src/retention/partition-retention'
import { runRetention } from '../src/retention/run-retention'
import { deleteExpiredObjects } from '../src/retention/s3-retention'
import { DEPTH, point, startExportHarness, WALCL, windowsAfter, type ExportHarness } from './harness'

const DAY = 86_400_000
const MINUTE = 60_000
let h: ExportHarness
let epoch: number
let today: number

beforeAll(async () => {
  h = await startExportHarness()
  epoch = h.clock.now
  today = Math.floor(epoch / DAY) * DAY
})
afterAll(async () => {
  await h.close()
})

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const partitionOf = (ms: number) => `features_values_p${day(ms).replaceAll('-', '')}`
async function partitionExists(ms: number): Promise<boolean> {
  const [row] = await h.store.sql<{ exists: boolean }[]>`select to_regclass(${partitionOf(ms)}) is not null as exists`
  return row?.exists ?? false
}
const retention = (now: number) => ({ retentionDays: 90, now })

describe('PostgreSQL retention', () => {
  it('drops an exported old partition and keeps an unexported one, then drops it once exported', async () => {
    const exportedDay = today - 100 * DAY
    const revisedDay = today - 95 * DAY
    const recentDay = today - 10 * DAY
    const emptyDay = today - 120 * DAY
    await h.store.sql`select ensure_features_values_partition(${day(emptyDay)}::date)`
    const ts = (ms: number) => new Date(ms + 6 * 3_600_000).toISOString()
    await h.publishAt(epoch + MINUTE, [point(WALCL, ts(exportedDay), 5e12), point(WALCL, ts(revisedDay), 5e12), point(DEPTH, ts(recentDay), 1e9)])
    h.clock.now = windowsAfter(epoch, 1) + 61_000
    await runExportCycle(h.deps())
    // A revision of the 95-day-old point, ingested after the watermark: not in S3 yet.
    await h.publishAt(windowsAfter(epoch, 1) + MINUTE, [point(WALCL, ts(revisedDay), 5.5e12)])
    const [replaced] = await h.store.sql<{ n: number }[]>`select count(*)::int as n from features_revisions where ts = ${ts(revisedDay)}`
    expect(replaced?.n).toBe(1)

    const first = await dropExpiredPartitions(h.store.sql, retention(h.clock.now))
    expect(first.dropped.sort()).toEqual([partitionOf(emptyDay), partitionOf(exportedDay)])
    expect(first.keptUnexported).toEqual([partitionOf(revisedDay)])
    expect([await partitionExists(exportedDay), await partitionExists(revisedDay), await partitionExists(recentDay)]).toEqual([false, true, true])

    h.clock.now = windowsAfter(epoch, 2) + 61_000
    await runExportCycle(h.deps())
    const second = await dropExpiredPartitions(h.store.sql, retention(h.clock.now))
    expect(second).toEqual({ dropped: [partitionOf(revisedDay)], keptUnexported: [], keptBusy: [] })
    expect(await partitionExists(recentDay)).toBe(true)
    // The replaced version of the revised day went with its partition.
    const [kept] = await h.store.sql<{ n: number }[]>`select count(*)::int as n from features_revisions where ts = ${ts(revisedDay)}`
    expect(kept?.n).toBe(0)
  })

  it('keeps a partition while the table is busy past the lock timeout, instead of queueing writers behind it', async () => {
    const oldDay = today - 200 * DAY
    await h.store.sql`select ensure_features_values_partition(${day(oldDay)}::date)`
    const reader = await h.store.sql.reserve()
    try {
      await reader`begin`
      await reader`select count(*) from features_values`
      const result = await dropExpiredPartitions(h.store.sql, { ...retention(h.clock.now), lockTimeoutMs: 100 })
      expect(result.keptBusy).toEqual([partitionOf(oldDay)])
    } finally {
      await reader`rollback`
      reader.release()
    }
    expect((await dropExpiredPartitions(h.store.sql, retention(h.clock.now))).dropped).toEqual([partitionOf(oldDay)])
  })
})

describe('S3 retention', () => {
  it('deletes objects whose dt is older than 365 days, keeps the rest and measures them', async () => {
    const put = (key: string, size: number) =>
      h.objects.put(key, new Uint8Array(size).fill(1), { contentType: 'application/octet-stream', metadata: {} })
    const old = day(today - 366 * DAY)
    const edge = day(today - 365 * DAY)
    await put(`${WALCL}/dt=${old}/part-old.parquet`, 10)
    await put(`_manifests/dt=${old}/window-old.json`, 20)
    await put(`${WALCL}/dt=${edge}/part-edge.parquet`, 30)
    await put('notes/readme.txt', 40)
    const before = await h.objectKeys()

    const registry = new Registry()
    const s3Total = createS3Total(h.store.sql)
    await s3Total.set(1) // a stale figure the listing replaces
    const metrics = createExportMetrics({ registry, readWatermark: h.watermark, readS3Bytes: s3Total.read })
    const result = await runRetention({ sql: h.store.sql, objects: h.objects, pgRetentionDays: 90, s3RetentionDays: 365, metrics, s3Total, now: () => h.clock.now })

    expect(result.s3.deleted).toBe(2)
    const after = await h.objectKeys()
    expect(after).toEqual(before.filter((key) => !key.includes(`dt=${old}/`)))
    const sizes = await Promise.all(after.map(async (key) => (await h.readObject(key)).length))
    expect(result.s3.keptBytes).toBe(sizes.reduce((a, b) => a + b, 0))
    const gauge = await registry.getSingleMetric('feature_storage_size_bytes')?.get()
    expect(gauge?.values).toEqual([{ value: result.s3.keptBytes, labels: { layer: 's3' } }])
    expect((await deleteExpiredObjects(h.objects, { retentionDays: 365, now: h.clock.now })).deleted).toBe(0)
  })
})
