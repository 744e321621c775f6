import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { describe, expect, it } from 'vitest'
import { mockValue } from './adapters/mock-adapter'
import { createDemoFeed, dueInstants } from './demo-feed'

const HOUR = 3_600_000
const spec = (id: string, frequency: FeatureSpec['frequency']): FeatureSpec => ({
  id,
  entity: 'market',
  description: '',
  unit: 'USD',
  frequency,
  ttl_ms: HOUR,
  tags: [],
  source: { id: 's', class: 'cex', schema: 'v' },
  quality: { expected_range: [1, 100] },
  version: 1,
  active: true,
})

describe('demo feed', () => {
  it('at speed 1 publishes each feature on its own grid, once per instant', async () => {
    const clock = { now: Date.UTC(2025, 9, 20, 10, 30) }
    const batches: PublishPoint[][] = []
    const feed = createDemoFeed({
      specs: [spec('a/hourly', '1h'), spec('a/daily', '1d'), spec('a/off', '1h'), spec('a/tick', 'tick')].map((s) => (s.id === 'a/off' ? { ...s, active: false } : s)),
      publish: async (points) => {
        batches.push(points)
        return { accepted: points.length, rejected: 0, errors: [] }
      },
      now: () => clock.now,
    })
    expect(await feed.tick()).toBe(0)
    clock.now = Date.UTC(2025, 9, 20, 12, 5)
    expect(await feed.tick()).toBe(2)
    expect(batches[0]?.map((p) => [p.featureId, p.ts])).toEqual([
      ['a/hourly', '2025-10-20T11:00:00.000Z'],
      ['a/hourly', '2025-10-20T12:00:00.000Z'],
    ])
    expect(batches[0]?.[0]?.value).toBe(mockValue(spec('a/hourly', '1h'), Date.UTC(2025, 9, 20, 11)))
    expect(await feed.tick()).toBe(0)
    clock.now = Date.UTC(2025, 9, 21, 0, 0)
    await feed.tick()
    expect(batches.at(-1)?.map((p) => p.featureId)).toContain('a/daily')
  })

  it('at speed N gives N points per frequency period', () => {
    expect(dueInstants(spec('a/h', '1h'), 0, HOUR, 60)).toHaveLength(60)
    expect(dueInstants(spec('a/h', '1h'), 0, HOUR, 1)).toEqual([HOUR])
  })
})
