import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runExportCycle } from '../src/export/export-cycle'
import { bearer } from '@lav/feature-store-svc/testing'
import { API, point, startExportHarness, WALCL, windowsAfter, type ComparableRow, type ExportHarness } from './harness'

// Knowledge time survives the export: every version of a point reaches S3 with the instant it
// became known, even a version replaced before its window was exported, so an as-of read of the
// files (per point, the row with the greatest known_at not after the instant) equals the store's.
const MINUTE = 60_000
const DAY = 86_400_000
const READ = bearer('oracle.reader')
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

/** What a reader of the files knew at `asOf`. */
function asOfFromFiles(rows: ComparableRow[], asOf: number): Map<string, number> {
  const known = new Map<string, ComparableRow>()
  for (const row of rows) {
    const key = `${row.feature_id}@${iso(row.ts)}`
    const seen = known.get(key)
    if (row.known_at <= asOf && (!seen || row.known_at > seen.known_at)) known.set(key, row)
  }
  return new Map([...known].map(([key, row]) => [key, row.value]))
}

async function asOfFromStore(asOf: number, since: string, until: string): Promise<Map<string, number>> {
  const response = await h.store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: { featureIds: [WALCL], since, until, asOf: iso(asOf) } })
  expect(response.statusCode).toBe(200)
  const [result] = response.json() as { points: { ts: string; value: number }[] }[]
  return new Map(result?.points.map((p) => [`${WALCL}@${p.ts}`, p.value]))
}

describe('an as-of read of the exported files', () => {
  it('equals the store’s at every instant, with versions replaced before their window was exported', async () => {
    const week = iso(Math.floor(epoch / DAY) * DAY - 7 * DAY)
    const later = iso(Math.floor(epoch / DAY) * DAY - 14 * DAY)
    // Window 0: the week is published, revised within the same window, and another week added.
    await h.publishAt(epoch + MINUTE, [point(WALCL, week, 6.0e12)])
    await h.publishAt(epoch + 2 * MINUTE, [point(WALCL, week, 6.1e12), point(WALCL, later, 5.9e12)])
    // Window 1: revised again; the source dated one version itself.
    await h.publishAt(windowsAfter(epoch, 1) + MINUTE, [point(WALCL, week, 6.2e12)])
    await h.publishAt(windowsAfter(epoch, 1) + 2 * MINUTE, [{ ...point(WALCL, later, 5.8e12), known_at: iso(windowsAfter(epoch, 1) + 90_000) }])
    h.clock.now = windowsAfter(epoch, 2) + 61_000
    const result = await runExportCycle(h.deps())
    expect(result.status).toBe('exported')

    const rows = (await h.readExported()).filter((row) => row.feature_id === WALCL)
    expect(rows.filter((row) => iso(row.ts) === week).map((row) => row.value).sort()).toEqual([6.0e12, 6.1e12, 6.2e12])
    const instants = [epoch, epoch + MINUTE + 1, epoch + 2 * MINUTE + 1, windowsAfter(epoch, 1) + 60_001, windowsAfter(epoch, 1) + 90_000, windowsAfter(epoch, 1) + 5 * MINUTE]
    for (const instant of instants) {
      expect(asOfFromFiles(rows, instant)).toEqual(await asOfFromStore(instant, later, week))
    }
    // The last instant sees the current versions.
    expect(asOfFromFiles(rows, instants.at(-1) as number)).toEqual(new Map([[`${WALCL}@${later}`, 5.8e12], [`${WALCL}@${week}`, 6.2e12]]))
  })
})
