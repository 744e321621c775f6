import { DAY_MS } from '@lav/shared/time'
import { describe, expect, it } from 'vitest'
import { historyInstants } from '../src/evaluation/instants'
import { evaluateInstants } from '../src/signals/evaluate'
import { FEEDS, PARAMS } from './harness'
import { mockEvaluationData } from './mock-history'

// `npm start` backfills [now − 120 d, now]; a new user opens the history of the last 90 days.
const BACKFILL_DAYS = 120
const NOWS = ['2025-10-20T12:34:56Z', '2026-01-01T00:00:00Z', '2026-02-17T07:13:00Z', '2026-05-31T23:59:00Z', '2026-08-09T15:30:00Z', '2026-11-26T09:00:00Z', '2027-03-03T03:03:00Z']

describe('the demo data of npm start', () => {
  for (const iso of NOWS) {
    it(`takes the confirmed regime through verde, amarillo and rojo in the 90 days before ${iso}`, async () => {
      const now = Date.parse(iso)
      const data = await mockEvaluationData(now, BACKFILL_DAYS)
      const history = evaluateInstants(FEEDS, PARAMS, data, historyInstants(now - 90 * DAY_MS, now))
      expect(history).toHaveLength(91)
      expect(new Set(history.map((output) => output.state))).toEqual(new Set(['verde', 'amarillo', 'rojo']))
      // A demo should look healthy: fresh, complete data at the live instant.
      expect(history.at(-1)?.dq).toEqual({ ok: true, stale: [], missing: [] })
    })
  }

  it('evaluates each instant from points at or before it: points published later change nothing', async () => {
    // The same instants computed from a backfill that ends there and from one that runs 30 days on agree.
    const now = Date.parse('2026-03-15T00:00:00Z')
    const instants = historyInstants(now - 20 * DAY_MS, now)
    const upToNow = evaluateInstants(FEEDS, PARAMS, await mockEvaluationData(now, BACKFILL_DAYS), instants)
    const later = evaluateInstants(FEEDS, PARAMS, await mockEvaluationData(now + 30 * DAY_MS, BACKFILL_DAYS + 30), instants)
    expect(later).toEqual(upToNow)
  })
})
