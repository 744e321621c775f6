import { parquetMetadata } from 'hyparquet'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExportCycle } from '../src/export/export-cycle'
import { exportWindow } from '../src/export/export-window'
import { compactInstant, manifestKey, WINDOW_MS, windowAt } from '../src/export/windows'
import { createExportMetrics } from '../src/metrics/export-metrics'
import { createS3Total } from '../src/metrics/s3-total'
import { BTC_FLOW, byKey, currentRows, decodeParquet, DEPTH, PERP_OI, point, startExportHarness, WALCL, windowsAfter, type ExportHarness } from './harness'

const MINUTE = 60_000
const DAY = 86_400_000
let h: ExportHarness
let epoch: number

beforeAll(async () => {
  h = await startExportHarness()
  epoch = h.clock.now
})
afterAll(async () => {
  await h.close()
})

const iso = (ms: number) => new Date(ms).toISOString()
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY
/** The clock just past the lag after the end of window `n` (0 = the window starting at epoch). */
const closeWindow = (n: number) => {
  h.clock.now = windowsAfter(epoch, n + 1) + 61_000
}

async function snapshot(): Promise<Map<string, string>> {
  const contents = new Map<string, string>()
  for await (const page of h.objects.list()) {
    for (const object of page) contents.set(object.key, Buffer.from(await h.readObject(object.key)).toString('base64'))
  }
  return contents
}

describe('an export cycle', () => {
  it('round trip: every published row comes back from the Parquet files, value for value', async () => {
    const day1 = startOfDay(epoch) - 2 * DAY + 3_600_000
    await h.publishAt(epoch + 2 * MINUTE, [
      point(WALCL, iso(day1), 5.1e12, { meta: { release: 'H.4.1', revised: false }, evidence: [{ source: 'fred', ref: 'WALCL', hash: 'abc' }] }),
      point(WALCL, iso(day1 + DAY), 5.2e12, { confidence: 0.7 }),
      point(DEPTH, iso(day1 + 3_600_000), 1.5e9, { meta: { venue: 'agg', note: 'ñandú "quoted"' } }),
      point(DEPTH, iso(day1 + 7_200_000), 1.25e9),
      point(BTC_FLOW, iso(day1), -2.5e8, { confidence: 0 }),
    ])
    closeWindow(0)
    const result = await runExportCycle(h.deps())

    expect(result.status).toBe('exported')
    expect(result.windows.map((w) => [iso(w.start), iso(w.end)])).toEqual([[iso(epoch), iso(epoch + WINDOW_MS)]])
    expect(result.rows).toBe(5)
    const part = `part-${compactInstant(epoch)}-${compactInstant(epoch + WINDOW_MS)}.parquet`
    const day = (ms: number) => iso(ms).slice(0, 10)
    expect(await h.parquetKeys()).toEqual(
      [
        `${BTC_FLOW}/dt=${day(day1)}/${part}`,
        `${DEPTH}/dt=${day(day1)}/${part}`,
        `${WALCL}/dt=${day(day1)}/${part}`,
        `${WALCL}/dt=${day(day1 + DAY)}/${part}`,
      ].sort(),
    )
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
    expect(await h.watermark()).toBe(epoch + WINDOW_MS)
  })

  it('writes files any engine reads: ZSTD, timestamp(ms, UTC), JSON as strings', async () => {
    const [key] = await h.parquetKeys()
    const bytes = await h.readObject(key!)
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    const columns = Object.fromEntries(metadata.schema.slice(1).map((column) => [column.name, column]))
    expect(Object.keys(columns)).toEqual(['feature_id', 'ts', 'value', 'confidence', 'ingested_at', 'known_at', 'meta', 'evidence'])
    expect(columns.known_at?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' })
    expect(columns.ts?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' })
    expect(columns.ingested_at?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' })
    expect(columns.value?.type).toBe('DOUBLE')
    expect(columns.feature_id?.logical_type).toEqual({ type: 'STRING' })
    expect(columns.meta?.repetition_type).toBe('OPTIONAL')
    expect(metadata.row_groups[0]?.columns.every((chunk) => chunk.meta_data?.codec === 'ZSTD')).toBe(true)
  })

  it('adds the bytes it wrote to the S3 total in PostgreSQL, which any process’s /metrics reads', async () => {
    let bucketBytes = 0
    for await (const page of h.objects.list()) for (const object of page) bucketBytes += object.size
    // Another process (a second replica, the CLI): its own registry, the same figure.
    const registry = new Registry()
    createExportMetrics({ registry, readWatermark: h.watermark, readS3Bytes: createS3Total(h.store.sql).read })
    expect((await registry.getSingleMetric('feature_storage_size_bytes')?.get())?.values).toEqual([{ value: bucketBytes, labels: { layer: 's3' } }])
  })

  it('writes a manifest per window listing its files and row counts', async () => {
    const manifest = JSON.parse(Buffer.from(await h.readObject(manifestKey({ start: epoch, end: epoch + WINDOW_MS }))).toString())
    expect(manifest.window).toEqual({ start: iso(epoch), end: iso(epoch + WINDOW_MS) })
    expect(manifest.rows).toBe(5)
    expect(manifest.files.map((file: { key: string }) => file.key)).toEqual(await h.parquetKeys())
    expect(manifest.files.map((file: { rows: number }) => file.rows).sort()).toEqual([1, 1, 1, 2])
  })

  it('idempotence: the same cycle twice advances the watermark once; a redelivery rewrites the same keys with the same bytes', async () => {
    const before = await snapshot()
    const again = await runExportCycle(h.deps())
    expect(again).toMatchObject({ status: 'exported', windows: [], rows: 0, watermark: epoch + WINDOW_MS })
    expect(await h.watermark()).toBe(epoch + WINDOW_MS)

    // At-least-once delivery: the job died after its uploads, before the watermark moved.
    await h.store.sql`update export_watermarks set watermark = ${new Date(epoch)}`
    const redelivered = await runExportCycle(h.deps())
    expect(redelivered.rows).toBe(5)
    expect(await h.watermark()).toBe(epoch + WINDOW_MS)
    expect(await snapshot()).toEqual(before)
  })

  it('catch-up: four missed windows are exported in order in one cycle; the empty ones get an empty manifest', async () => {
    for (const n of [1, 2, 3, 4]) {
      await h.publishAt(windowsAfter(epoch, n) + n * MINUTE, [point(PERP_OI, iso(epoch - n * 3_600_000), 1e10 + n), point(DEPTH, iso(epoch - n * 60_000), 2e9 + n)])
    }
    closeWindow(6)
    const result = await runExportCycle(h.deps())
    expect(result.windows.map((w) => w.start)).toEqual([1, 2, 3, 4].map((n) => windowsAfter(epoch, n)))
    expect(result.windows.map((w) => w.rows)).toEqual([2, 2, 2, 2])
    expect(await h.watermark()).toBe(windowsAfter(epoch, 7))
    // Every window up to the watermark has its manifest: a reader tells "nothing" from "not yet".
    const manifestOf = async (n: number) => JSON.parse(Buffer.from(await h.readObject(manifestKey(windowAt(windowsAfter(epoch, n))))).toString())
    expect(result.emptyWindows).toBe(2)
    for (const n of [5, 6]) expect(await manifestOf(n)).toMatchObject({ window: { start: iso(windowsAfter(epoch, n)) }, rows: 0, files: [] })
    for (const n of [1, 4]) expect((await manifestOf(n)).rows).toBe(2)
    expect((await h.readExported()).sort(byKey)).toEqual(await h.pgRows())
  })

  it('a revised point is exported again in its new window; the greatest ingested_at is the current value', async () => {
    const ts = iso(startOfDay(epoch) - 2 * DAY + 3_600_000)
    await h.publishAt(windowsAfter(epoch, 8) + MINUTE, [point(WALCL, ts, 5.15e12, { meta: { release: 'H.4.1', revised: true } })])
    closeWindow(8)
    const result = await runExportCycle(h.deps())
    expect(result.rows).toBe(1)
    const versions = (await h.readExported()).filter((row) => row.feature_id === WALCL && row.ts === Date.parse(ts))
    expect(versions.map((row) => row.value).sort()).toEqual([5.1e12, 5.15e12])
    const current = versions.reduce((a, b) => (b.ingested_at > a.ingested_at ? b : a))
    expect(current).toEqual((await h.pgRows()).find((row) => row.feature_id === WALCL && row.ts === Date.parse(ts)))
  })

  it('splits a (feature, day) group larger than one file into numbered continuation files', async () => {
    const points = Array.from({ length: 5 }, (_, i) => point(DEPTH, iso(startOfDay(epoch) - 10 * DAY + i * 3_600_000), 3e9 + i))
    await h.publishAt(windowsAfter(epoch, 9) + MINUTE, points)
    closeWindow(9)
    const result = await runExportCycle(h.deps({ maxRowsPerFile: 2 }))
    const names = result.windows[0]?.files.map((file) => file.key.split('/').pop())
    const part = `part-${compactInstant(windowsAfter(epoch, 9))}-${compactInstant(windowsAfter(epoch, 10))}`
    expect(names).toEqual([`${part}-1.parquet`, `${part}-2.parquet`, `${part}.parquet`])
    expect(result.windows[0]?.files.map((file) => file.rows)).toEqual([2, 1, 2])
    expect(currentRows(await h.readExported())).toEqual(await h.pgRows())
  })

  it('never closes a window while a transaction that started in it is still open', async () => {
    const open = await h.store.sql.reserve()
    try {
      await open`begin`
      const [row] = await open<{ started: number }[]>`select (extract(epoch from now()) * 1000)::float8 as started`
      h.clock.now = row!.started + 4 * WINDOW_MS // by the clock alone, windows after the start would close
      const result = await runExportCycle(h.deps())
      expect(result.watermark).toBeLessThanOrEqual(row!.started)
      expect(result.watermark).toBeGreaterThan(row!.started - WINDOW_MS)
    } finally {
      await open`rollback`
      open.release()
    }
  })
})

describe('a large (feature, day) read in chunks', () => {
  it('gives the same keys and the same bytes as read whole, every row present', async () => {
    const window = windowAt(windowsAfter(epoch, 20))
    const day = startOfDay(epoch) - 5 * DAY
    const depth = Array.from({ length: 40 }, (_, i) =>
      point(DEPTH, iso(day + i * 30 * MINUTE), 1.5e9 + i, i % 3 === 0 ? { meta: { venue: 'agg', i }, evidence: [{ source: 'kaiko', ref: `r${i}` }] } : {}),
    )
    const flows = [0, 1, 2, 25, 26].map((hour) => point(BTC_FLOW, iso(day + hour * 3_600_000), -1e8 * hour))
    await h.publishAt(window.start + MINUTE, [...depth, ...flows])

    // Files of 10 rows, so the chunks of 7 also straddle continuation files.
    const exportWith = async (maxGroupRows?: number) => {
      const report = await exportWindow(h.deps({ maxRowsPerFile: 10, maxGroupRows }), window)
      const bytes = new Map<string, string>()
      for (const key of [...report.files.map((file) => file.key), report.manifestKey!]) bytes.set(key, Buffer.from(await h.readObject(key)).toString('base64'))
      return { report, bytes }
    }
    const whole = await exportWith()
    const chunked = await exportWith(7)

    expect([...chunked.bytes.keys()]).toEqual([...whole.bytes.keys()])
    expect(chunked.bytes).toEqual(whole.bytes)
    expect(whole.report.files.map((file) => file.rows)).toEqual([10, 10, 10, 10, 3, 2])
    const exported: Awaited<ReturnType<typeof decodeParquet>> = []
    for (const file of chunked.report.files) exported.push(...(await decodeParquet(await h.readObject(file.key))))
    const ingested = (await h.pgRows()).filter((row) => row.ingested_at >= window.start && row.ingested_at < window.end)
    expect(exported.sort(byKey)).toEqual(ingested)
    expect(ingested).toHaveLength(45)
  })
})
