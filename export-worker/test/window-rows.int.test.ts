import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../../feature-store-svc/src/storage/database'
import { partitionDays, windowRows, type ExportRow } from '../src/export/window-rows'
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
  it('streams the rows by day, feature and ts, so each (feature, day) group is one run', async () => {
    const days = await partitionDays(h.store.sql)
    const rows: ExportRow[] = []
    for await (const batch of windowRows(h.store.sql, windowAt(epoch), days!, 4)) {
      expect(batch.length).toBeLessThanOrEqual(4)
      rows.push(...batch)
    }
    expect(rows).toHaveLength(18)
    const keys = rows.map(([featureId, ts]) => `${new Date(ts).toISOString().slice(0, 10)} ${featureId} ${ts}`)
    expect(keys).toEqual([...keys].sort())
  })

  it('leaves its connection usable when the reader stops half-way', async () => {
    const sql = createDatabase(h.store.database.url, 1, 'window-rows-test')
    try {
      const days = await partitionDays(sql)
      for await (const batch of windowRows(sql, windowAt(epoch), days!, 2)) {
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
