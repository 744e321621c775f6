import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExportCycle } from '../src/export/export-cycle'
import { byKey, DEPTH, PERP_OI, point, startExportHarness, WALCL, windowsAfter, type ExportHarness } from './harness'

const MINUTE = 60_000
let h: ExportHarness
let epoch: number

beforeAll(async () => {
  h = await startExportHarness()
  epoch = h.clock.now
})
afterAll(async () => {
  await h.close()
})

async function publishWindows(from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    const ts = new Date(epoch - (n + 1) * 3_600_000).toISOString()
    await h.publishAt(windowsAfter(epoch, n) + 2 * MINUTE, [point(WALCL, ts, 5e12 + n), point(DEPTH, ts, 1e9 + n), point(PERP_OI, ts, 1e10 + n)])
  }
  h.clock.now = windowsAfter(epoch, from + count) + 61_000
}

/** Each (feature_id, ts) exactly once in S3, and exactly the rows of PostgreSQL. */
async function expectExactlyOnce(): Promise<void> {
  const exported = (await h.readExported()).sort(byKey)
  expect(new Set(exported.map((row) => `${row.feature_id}|${row.ts}`)).size).toBe(exported.length)
  expect(exported).toEqual(await h.pgRows())
}

describe('two export cycles started at once', () => {
  it('the second skips or waits while the first holds the lock', async () => {
    await publishWindows(0, 3)
    let entered!: () => void
    let release!: () => void
    const inside = new Promise<void>((resolve) => (entered = resolve))
    const gate = new Promise<void>((resolve) => (release = resolve))
    // Holds the first cycle inside its lock until the others have tried theirs.
    const held = { ...h.objects, ensureBucket: async () => (entered(), await gate, h.objects.ensureBucket()) }

    const first = runExportCycle(h.deps({ objects: held }), { onBusy: 'skip' })
    await inside
    const skipper = await runExportCycle(h.deps(), { onBusy: 'skip' })
    const waiter = runExportCycle(h.deps(), { onBusy: 'wait' })
    release()

    expect(skipper).toMatchObject({ status: 'skipped', windows: [] })
    expect((await first).windows.map((w) => w.start)).toEqual([0, 1, 2].map((n) => windowsAfter(epoch, n)))
    expect(await waiter).toMatchObject({ status: 'exported', windows: [], watermark: windowsAfter(epoch, 3) })
    await expectExactlyOnce()
  })

  it('four cycles racing: every window exported by exactly one of them, no row missing or doubled', async () => {
    await publishWindows(3, 4)
    const results = await Promise.all([1, 2, 3, 4].map((i) => runExportCycle(h.deps(), { onBusy: i % 2 === 0 ? 'wait' : 'skip' })))
    const starts = results.flatMap((result) => result.windows.map((w) => w.start)).sort((a, b) => a - b)
    expect(starts).toEqual([3, 4, 5, 6].map((n) => windowsAfter(epoch, n)))
    expect(await h.watermark()).toBe(windowsAfter(epoch, 7))
    await expectExactlyOnce()
  })
})
