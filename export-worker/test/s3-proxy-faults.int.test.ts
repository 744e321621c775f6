import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3FaultProxy, type S3Fault, type S3FaultProxy } from '../../test/support/s3-fault-proxy'
import { startS3Server, type S3ServerHandle } from '../../test/support/s3-server'
import { runExportCycle } from '../src/export/export-cycle'
import { manifestKey, WINDOW_MS, windowAt } from '../src/export/windows'
import { dropExpiredPartitions } from '../src/retention/partition-retention'
import { currentRows, DEPTH, PERP_OI, point, startExportHarness, WALCL, windowsAfter, type ExportHarness } from './harness'

const MINUTE = 60_000
const DAY = 86_400_000
let server: S3ServerHandle
let proxy: S3FaultProxy
let h: ExportHarness
beforeAll(async () => {
  server = await startS3Server()
  proxy = await startS3FaultProxy(server.endpoint)
  h = await startExportHarness({ endpoint: proxy.endpoint })
})
afterAll(async () => {
  proxy.fault = { mode: 'up' }
  await h.close()
  await proxy.close()
  await server.remove()
})

const iso = (ms: number) => new Date(ms).toISOString()

describe('S3 down, slow and answering 500s during exports, with two exporters at once and retention running', () => {
  it('exports exactly one complete set of files per window, leaves no gap in the watermark, and retention drops nothing unexported', async () => {
    const epoch = h.clock.now
    const oldDay = epoch - 100 * DAY // past the 90-day retention: its partition is retention's to drop
    const faults: S3Fault[] = [{ mode: 'error', everyNth: 3 }, { mode: 'down' }, { mode: 'slow', delayMs: 150 }, { mode: 'error', everyNth: 2 }, { mode: 'down' }, { mode: 'up' }]
    const published: Array<{ featureId: string; ts: number; value: number }> = []
    const keptUnexported: string[] = []
    for (const [n, fault] of faults.entries()) {
      const points = [
        { featureId: WALCL, ts: oldDay + n * 3_600_000, value: 5e12 + n },
        { featureId: DEPTH, ts: epoch - (n + 1) * 3_600_000, value: 1e9 + n },
        { featureId: PERP_OI, ts: epoch - (n + 1) * 3_600_000, value: 1e10 + n },
      ]
      await h.publishAt(windowsAfter(epoch, n) + MINUTE, points.map((p) => point(p.featureId, iso(p.ts), p.value)))
      published.push(...points)
      h.clock.now = windowsAfter(epoch, n + 1) + 61_000
      proxy.fault = fault
      // Two exporters at once, as two worker replicas on the same tick; either may fail under the fault.
      await Promise.allSettled([runExportCycle(h.deps({ uploadConcurrency: 2 })), runExportCycle(h.deps({ uploadConcurrency: 2 }))])
      const retention = await dropExpiredPartitions(h.store.sql, { retentionDays: 90, now: h.clock.now })
      keptUnexported.push(...retention.keptUnexported)
    }
    proxy.fault = { mode: 'up' }
    for (let attempt = 0; attempt < 5 && (await h.watermark()) !== windowsAfter(epoch, faults.length); attempt++) await runExportCycle(h.deps())
    expect(await h.watermark()).toBe(windowsAfter(epoch, faults.length))
    // The faults really happened, and retention kept the old day while some of it was unexported.
    expect(proxy.counts.cut).toBeGreaterThan(0)
    expect(proxy.counts.failed).toBeGreaterThan(0)
    expect(keptUnexported.length).toBeGreaterThan(0)
    await dropExpiredPartitions(h.store.sql, { retentionDays: 90, now: h.clock.now })

    // One manifest per window from the epoch to the watermark, each listing exactly the files of its window.
    const manifests = await h.objectKeys('_manifests/')
    const windows = faults.map((_, n) => windowAt(epoch + n * WINDOW_MS))
    expect(manifests.sort()).toEqual(windows.map(manifestKey).sort())
    const parquet = await h.parquetKeys()
    for (const window of windows) {
      const listed = JSON.parse(new TextDecoder().decode(await h.readObject(manifestKey(window)))) as { files: Array<{ key: string; rows: number }> }
      const suffix = `${manifestKey(window).split('window-')[1]?.replace('.json', '')}.parquet`
      expect(listed.files.map((file) => file.key).sort()).toEqual(parquet.filter((key) => key.endsWith(suffix)).sort())
      expect(listed.files.reduce((sum, file) => sum + file.rows, 0)).toBe(3)
    }
    // Every published point is in S3 exactly once with its value, including the day retention dropped.
    const exported = await h.readExported()
    expect(exported).toHaveLength(published.length)
    const byKey = (a: { featureId: string; ts: number }, b: { featureId: string; ts: number }) => (a.featureId < b.featureId ? -1 : a.featureId > b.featureId ? 1 : a.ts - b.ts)
    expect(currentRows(exported).map((row) => ({ featureId: row.feature_id, ts: row.ts, value: row.value }))).toEqual([...published].sort(byKey))
  }, 180_000)
})
