import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '@lav/values-db'
import { toGroup, type RowGroup } from '../src/export/row-group'
import { partitionDays, windowGroups } from '../src/export/window-rows'
import { windowAt } from '../src/export/windows'
import { DEPTH, point, startExportHarness, WALCL, type ExportHarness } from './harness'

const DAY = 86_400_000
let h: ExportHarness
let epoch: number

beforeAll(async () => {
  h = await startExportHarness()
  epoch = h.clock.now
  const midnight = Math.floor(epoch / DAY) * DAY
  const points = [3, 1, 2].flatMap((daysBack) =>
    ([[WALCL, 5e12], [DEPTH, 1e9]] as const).flatMap(([id, base]) => [0, 1, 2].map((hour) => point(id, new Date(midnight - daysBack * DAY + hour * 3_600_000).toISOString(), base + hour))),
  )
  await h.publishAt(epoch + 60_000, points)
})
afterAll(async () => {
  await h.close()
})

describe('reading a window', () => {
  it('streams one group per (day, feature), in that order, each ascending by ts', async () => {
    const days = await partitionDays(h.store.sql)
    const groups: RowGroup[] = []
    for await (const batch of windowGroups(h.store.sql, windowAt(epoch), days!, 4)) {
      expect(batch.length).toBeLessThanOrEqual(4)
      groups.push(...batch)
    }
    expect(groups).toHaveLength(6)
    const keys = groups.flatMap((group) => Array.from(group.tsMs, (ts) => `${new Date(ts).toISOString().slice(0, 10)} ${group.featureId} ${ts}`))
    expect(keys).toHaveLength(18)
    expect(keys).toEqual([...keys].sort())
    for (const group of groups) {
      expect(new Set(Array.from(group.tsMs, (ts) => Math.floor(ts / DAY))).size).toBe(1)
      expect(Array.from(group.value)).toEqual([0, 1, 2].map((hour) => (group.featureId === WALCL ? 5e12 : 1e9) + hour))
      // publishAt re-stamps the rows at epoch + 60 s plus their original spread of a few ms.
      for (const ms of group.ingestedMs) expect(ms - (epoch + 60_000)).toSatisfy((offset: number) => offset >= 0 && offset < 5_000)
    }
  })

  it('splits a (feature, day) larger than maxGroupRows into consecutive groups of at most that many, in ts order', async () => {
    const days = await partitionDays(h.store.sql)
    const groups: RowGroup[] = []
    for await (const batch of windowGroups(h.store.sql, windowAt(epoch), days!, 4, 2)) groups.push(...batch)
    // Each (feature, day) holds 3 rows: a group of 2, then one of 1.
    expect(groups.map((group) => group.rows)).toEqual(Array.from({ length: 6 }, () => [2, 1]).flat())
    const rows = groups.flatMap((group) => Array.from(group.tsMs, (ts, i) => ({ day: new Date(ts).toISOString().slice(0, 10), featureId: group.featureId, ts, value: group.value[i] })))
    const key = (row: (typeof rows)[number]) => `${row.day} ${row.featureId} ${row.ts}`
    expect(rows.map(key)).toEqual(rows.map(key).sort())
    expect(new Set(rows.map(key)).size).toBe(18)
    for (const row of rows) expect(row.value).toBe((row.featureId === WALCL ? 5e12 : 1e9) + new Date(row.ts).getUTCHours())
  })

  it('puts a group that arrived out of order in ts order, every column alike', () => {
    const bytes = (values: number[], write: (view: DataView, i: number, v: number) => void) => {
      const buffer = Buffer.alloc(values.length * 8)
      values.forEach((v, i) => write(new DataView(buffer.buffer, buffer.byteOffset, buffer.length), i, v))
      return buffer
    }
    const micros = (ms: number) => (ms - 946_684_800_000) * 1000
    const instants = (ms: number[]) => bytes(ms.map(micros), (view, i, v) => view.setBigInt64(i * 8, BigInt(v)))
    const floats = (values: number[]) => bytes(values, (view, i, v) => view.setFloat64(i * 8, v))
    const group = toGroup({
      feature_id: WALCL,
      rows: 3,
      ts: instants([3_000, 1_000, 2_000].map((s) => epoch + s)),
      value: floats([3, 1, 2]),
      confidence: floats([0.3, 0.1, 0.2]),
      ingested_at: instants([epoch, epoch, epoch]),
      known_at: instants([epoch + 3, epoch + 1, epoch + 2]),
      meta: '{"n": 3}\u001e\u001e{"n": 2}',
      evidence: null,
    })
    expect(Array.from(group.tsMs)).toEqual([1_000, 2_000, 3_000].map((s) => epoch + s))
    expect(Array.from(group.value)).toEqual([1, 2, 3])
    expect(Array.from(group.confidence)).toEqual([0.1, 0.2, 0.3])
    expect(Array.from(group.knownMs)).toEqual([epoch + 1, epoch + 2, epoch + 3])
    expect(group.meta).toEqual([null, '{"n": 2}', '{"n": 3}'])
    expect(group.evidence).toBeNull()
  })

  it('leaves its connection usable when the reader stops half-way', async () => {
    const sql = createDatabase(h.store.database.url, 1, 'window-rows-test')
    try {
      const days = await partitionDays(sql)
      for await (const batch of windowGroups(sql, windowAt(epoch), days!, 2)) {
        expect(batch).toHaveLength(2)
        break
      }
      // One connection in the pool: a cursor left hanging would block this query forever.
      const [row] = await Promise.race([sql<{ one: number }[]>`select 1 as one`, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('connection stuck')), 3_000))])
      expect(row?.one).toBe(1)
    } finally {
      await sql.end({ timeout: 5 })
    }
  })
})
