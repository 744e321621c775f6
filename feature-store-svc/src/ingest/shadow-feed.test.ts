import { describe, expect, it } from 'vitest'
import type { FeatureSpec, Frequency, PublishPoint } from '@lav/shared/contracts'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import { createShadowFeed, lookbackMs, pollEveryMs } from './shadow-feed'
import type { SourceAdapter } from './source-adapter'

const specOf = (id: string, frequency: Frequency): FeatureSpec => ({
  id, entity: 'macro', description: '', unit: 'USD', frequency, ttl_ms: DAY_MS, tags: [], source: { id: 'x', class: 'macro', schema: 'x' }, active: true, version: 1,
})
const WEEKLY = specOf('macro/us/walcl_total_usd', '1w')
const HOURLY = specOf('dex/agg/active_liquidity_usd', '1h')
const MOCK_ONLY = specOf('crypto/btc/spot_price_usd', '1h')

describe('shadow feed cadence', () => {
  it('polls at most hourly by default, and re-reads three periods (a week at least for daily and weekly series)', () => {
    expect(pollEveryMs(WEEKLY, HOUR_MS)).toBe(HOUR_MS)
    expect(pollEveryMs(specOf('a/b', '5m'), HOUR_MS)).toBe(5 * 60_000)
    expect(lookbackMs(WEEKLY)).toBe(21 * DAY_MS)
    expect(lookbackMs(specOf('a/b', '1d'))).toBe(7 * DAY_MS)
    expect(lookbackMs(HOURLY)).toBe(3 * HOUR_MS)
  })

  it('loads each routed feature when due, publishes its points, and goes on past a failing source', async () => {
    let clock = Date.parse('2025-01-10T12:00:00Z')
    const calls: Array<[string, number | undefined, number | undefined]> = []
    const adapter = (name: string, fail = false): SourceAdapter => ({
      name,
      async load(spec, since, until) {
        calls.push([spec.id, since, until])
        if (fail) throw new Error(`${name}: HTTP 503`)
        return [{ featureId: spec.id, ts: new Date(until as number).toISOString(), value: 1 }]
      },
    })
    const published: PublishPoint[][] = []
    const warnings: string[] = []
    const feed = createShadowFeed({
      specs: [WEEKLY, HOURLY, MOCK_ONLY],
      adapterFor: (spec) => (spec.id === WEEKLY.id ? adapter('fred', true) : spec.id === HOURLY.id ? adapter('defillama') : undefined),
      publish: async (points) => (published.push(points), { accepted: points.length, rejected: 0, errors: [] }),
      pollMaxMs: 2 * HOUR_MS,
      now: () => clock,
      log: { info: () => {}, warn: (details) => warnings.push(String(details.error)) },
    })
    expect(feed.features).toEqual([WEEKLY.id, HOURLY.id])
    expect(await feed.tick()).toBe(1)
    expect(calls).toEqual([[WEEKLY.id, clock - 21 * DAY_MS, clock], [HOURLY.id, clock - 3 * HOUR_MS, clock]])
    expect(warnings).toEqual(['fred: HTTP 503'])
    clock += HOUR_MS
    await feed.tick()
    expect(calls.map(([id]) => id)).toEqual([WEEKLY.id, HOURLY.id, HOURLY.id]) // weekly: every 2 h here
    clock += HOUR_MS
    await feed.tick()
    expect(calls).toHaveLength(5)
    expect(published).toHaveLength(3)
  })
})
