import { describe, expect, it } from 'vitest'
import { PUBLISH_MAX_DAYS, type FeatureSpec, type Frequency, type PublishPoint, type PublishResult } from '@lav/shared/contracts'
import { DAY_MS } from '@lav/shared/time'
import { createMockAdapter } from './adapters/mock-adapter'
import { backfill, backfillableSpecs, publishInBatches } from './backfill'
import type { SourceAdapter } from './source-adapter'

const NOW = Date.parse('2025-10-20T00:00:00Z')

function spec(id: string, frequency: Frequency, active = true): FeatureSpec {
  return {
    id,
    entity: 'market',
    description: id,
    unit: 'USD',
    frequency,
    ttl_ms: DAY_MS,
    tags: [],
    source: { id: 'mock', class: 'derived', schema: 'mock_v1' },
    quality: { expected_range: [1, 100] },
    active,
    version: 1,
  }
}

const SPECS = [
  spec('test/daily/active', '1d'),
  spec('test/daily/inactive', '1d', false),
  spec('test/tick/active', 'tick'),
  spec('test/hourly/active', '1h'),
]

/** A publish function of our own: records each batch and rejects the first point of every batch. */
function recordingPublish() {
  const batches: PublishPoint[][] = []
  const publish = async (points: PublishPoint[]): Promise<PublishResult> => {
    batches.push(points)
    const [first] = points
    return {
      accepted: points.length - 1,
      rejected: 1,
      errors: first ? [{ index: 0, featureId: first.featureId, reason: 'out_of_range', message: 'test rejection' }] : [],
    }
  }
  return { batches, publish }
}

/** Wraps an adapter to record the windows it is asked for. */
function recordingAdapter(inner: SourceAdapter) {
  const windows: Array<{ featureId: string; since?: number; until?: number }> = []
  const adapter: SourceAdapter = {
    name: inner.name,
    load(feature, since, until) {
      windows.push({ featureId: feature.id, since, until })
      return inner.load(feature, since, until)
    },
  }
  return { adapter, windows }
}

describe('backfill', () => {
  it('loads active non-tick features over [now − days, now] and publishes them in batches', async () => {
    const { batches, publish } = recordingPublish()
    const { adapter, windows } = recordingAdapter(createMockAdapter({ now: () => 0 }))
    const totals = await backfill({ specs: SPECS, adapter, publish, days: 2, now: NOW, batchSize: 20 })

    expect(windows).toEqual([
      { featureId: 'test/daily/active', since: NOW - 2 * DAY_MS, until: NOW },
      { featureId: 'test/hourly/active', since: NOW - 2 * DAY_MS, until: NOW },
    ])
    // daily: 10-18, 10-19, 10-20 → one batch of 3; hourly: 49 hours → 20 + 20 + 9
    expect(batches.map((batch) => batch.length)).toEqual([3, 20, 20, 9])
    expect(batches[0]?.every((point) => point.featureId === 'test/daily/active')).toBe(true)
    expect(batches[1]?.[0]?.ts).toBe('2025-10-18T00:00:00.000Z')
    expect(batches[3]?.at(-1)?.ts).toBe('2025-10-20T00:00:00.000Z')
    expect(totals).toEqual({ features: 2, points: 52, accepted: 48, rejected: 4 })
  })

  it('uses batches of 5,000 by default', async () => {
    const { batches, publish } = recordingPublish()
    const hourly = [spec('test/hourly/long', '1h')]
    const totals = await backfill({ specs: hourly, adapter: createMockAdapter(), publish, days: 300, now: NOW })
    // 300 days of hours, both ends included: 7,201 points
    expect(batches.map((batch) => batch.length)).toEqual([5000, 2201])
    expect(totals).toEqual({ features: 1, points: 7201, accepted: 7199, rejected: 2 })
  })

  it('logs one line per feature and a summary', async () => {
    const lines: Array<[Record<string, unknown>, string]> = []
    const log = { info: (details: Record<string, unknown>, message: string) => lines.push([details, message]) }
    await backfill({ specs: SPECS, adapter: createMockAdapter(), publish: recordingPublish().publish, days: 1, now: NOW, log })
    expect(lines.map(([, message]) => message)).toEqual(['backfilled feature', 'backfilled feature', 'backfill finished'])
    expect(lines[0]?.[0]).toMatchObject({ featureId: 'test/daily/active', source: 'mock', points: 2, accepted: 1, rejected: 1 })
    expect(lines[2]?.[0]).toMatchObject({ features: 2, points: 27, since: '2025-10-19T00:00:00.000Z', until: '2025-10-20T00:00:00.000Z' })
  })

  it('does nothing when no feature qualifies', async () => {
    const { batches, publish } = recordingPublish()
    const totals = await backfill({ specs: [SPECS[1]!, SPECS[2]!], adapter: createMockAdapter(), publish, days: 3, now: NOW })
    expect(batches).toEqual([])
    expect(totals).toEqual({ features: 0, points: 0, accepted: 0, rejected: 0 })
  })

  it('propagates a load failure', async () => {
    const failing: SourceAdapter = { name: 'down', load: () => Promise.reject(new Error('source down')) }
    await expect(backfill({ specs: SPECS, adapter: failing, publish: recordingPublish().publish, days: 1, now: NOW })).rejects.toThrow(
      'source down',
    )
  })

  it('rejects a batch size the publish endpoint would refuse, and a non-positive window', async () => {
    const base = { specs: SPECS, adapter: createMockAdapter(), publish: recordingPublish().publish, now: NOW }
    await expect(backfill({ ...base, days: 1, batchSize: 10_001 })).rejects.toThrow('batchSize must be an integer in 1..10000')
    await expect(backfill({ ...base, days: 0 })).rejects.toThrow('days must be a positive number')
    await expect(backfill(base)).rejects.toThrow('give either days or since')
    await expect(backfill({ ...base, since: NOW + 1 })).rejects.toThrow('since must be an epoch-ms instant before now')
  })

  it('loads [since, now] when given a start instead of days (npm run backfill -- --since)', async () => {
    const windows: Array<[number | undefined, number | undefined]> = []
    const adapter = { name: 'spy', load: async (_spec: unknown, since?: number, until?: number) => (windows.push([since, until]), []) }
    await backfill({ specs: [SPECS[0]!], adapter, publish: recordingPublish().publish, since: NOW - 10 * DAY_MS, now: NOW })
    expect(windows).toEqual([[NOW - 10 * DAY_MS, NOW]])
  })
})

describe('backfillableSpecs', () => {
  it('keeps active features that are not ticks', () => {
    expect(backfillableSpecs(SPECS).map((feature) => feature.id)).toEqual(['test/daily/active', 'test/hourly/active'])
  })
})

describe('publishInBatches', () => {
  it('sums results and renumbers rejections across batches', async () => {
    const points: PublishPoint[] = [1, 2, 3, 4, 5].map((value) => ({ featureId: 'test/x/y', ts: `2025-10-2${value}T00:00:00Z`, value }))
    const result = await publishInBatches(points, recordingPublish().publish, 2)
    expect(result.accepted).toBe(2) // batches of 2, 2, 1, each losing its first point
    expect(result.rejected).toBe(3)
    expect(result.errors.map((error) => error.index)).toEqual([0, 2, 4])
  })

  it('also ends a batch where it would span more UTC days than one publish may (a long daily series)', async () => {
    const points: PublishPoint[] = Array.from({ length: 1_200 }, (_, day) => ({ featureId: 'test/x/y', ts: new Date(Date.UTC(2020, 0, 1 + day, 12)).toISOString(), value: day }))
    const recorder = recordingPublish()
    const result = await publishInBatches(points, recorder.publish, 5_000)
    expect(recorder.batches.map((batch) => batch.length)).toEqual([PUBLISH_MAX_DAYS, PUBLISH_MAX_DAYS, 1_200 - 2 * PUBLISH_MAX_DAYS])
    expect(recorder.batches.flat()).toEqual(points)
    expect(result.errors.map((error) => error.index)).toEqual([0, PUBLISH_MAX_DAYS, 2 * PUBLISH_MAX_DAYS])
  })
})
