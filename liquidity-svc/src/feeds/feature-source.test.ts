import { FeatureStoreError, FeatureStoreTimeoutError, type FeatureQueryResult, type FeatureSpec, type QueryInput } from '@lav/shared/sdk'
import { describe, expect, it } from 'vitest'
import type { Feed } from '../signals/types'
import { createFeatureSource } from './feature-source'

const FEEDS: Feed[] = [
  { featureId: 'macro/us/tga_balance_usd', component: 'gl', weight: -1, role: 'tga' },
  { featureId: 'cex/agg/perp_oi_usd', component: 'mp', weight: 0.5 },
]
const spec = (id: string, ttl_ms: number) => ({ id, ttl_ms }) as FeatureSpec
const result = (featureId: string, points: { ts: string; value: number }[], truncated = false) =>
  ({ featureId, points: points.map((point) => ({ featureId, confidence: 1, stale: false, ingested_at: point.ts, ...point })), truncated }) as unknown as FeatureQueryResult

/** A stand-in for the SDK client (our own code): records the calls, answers from a script. */
function fakeClient(options: { query?: (body: QueryInput) => Promise<FeatureQueryResult[]>; catalog?: () => Promise<FeatureSpec[]> } = {}) {
  const calls = { query: [] as QueryInput[], catalog: 0 }
  return {
    calls,
    client: {
      query: async (body: QueryInput) => {
        calls.query.push(body)
        return options.query ? options.query(body) : [result(FEEDS[0]!.featureId, [{ ts: '2025-10-02T00:00:00.000Z', value: 2 }, { ts: '2025-10-01T00:00:00.000Z', value: 1 }]), result(FEEDS[1]!.featureId, [])]
      },
      catalog: async () => {
        calls.catalog++
        return options.catalog ? options.catalog() : [spec('macro/us/tga_balance_usd', 345_600_000), spec('cex/agg/perp_oi_usd', 7_200_000), spec('other/x', 1)]
      },
    },
  }
}

describe('reading the feeds', () => {
  it('asks for every feed in one POST /query with the largest limit, and sorts the points', async () => {
    const { client, calls } = fakeClient()
    const source = createFeatureSource({ client, feeds: FEEDS, catalogTtlMs: 60_000 })
    const data = await source.load({ since: Date.UTC(2025, 6, 1), until: Date.UTC(2025, 9, 20) })
    expect(calls.query).toEqual([{ featureIds: FEEDS.map((feed) => feed.featureId), since: '2025-07-01T00:00:00.000Z', until: '2025-10-20T00:00:00.000Z', limit: 100_000 }])
    expect([...(data.series.get('macro/us/tga_balance_usd')?.values ?? [])]).toEqual([1, 2])
    expect(data.series.get('cex/agg/perp_oi_usd')?.ts.length).toBe(0)
    expect(data.ttlMs).toEqual(new Map([['macro/us/tga_balance_usd', 345_600_000], ['cex/agg/perp_oi_usd', 7_200_000]]))
  })

  it('reads the catalog once per refresh period, and keeps the last ttls when a refresh fails', async () => {
    let now = 0
    let catalogUp = true
    const { client, calls } = fakeClient({ catalog: async () => (catalogUp ? [spec('macro/us/tga_balance_usd', 1), spec('cex/agg/perp_oi_usd', 2)] : Promise.reject(new Error('down'))) })
    const source = createFeatureSource({ client, feeds: FEEDS, catalogTtlMs: 60_000, now: () => now })
    await Promise.all([source.load({ since: 0, until: 1 }), source.load({ since: 0, until: 1 })])
    now = 59_999
    await source.load({ since: 0, until: 1 })
    expect(calls.catalog).toBe(1)
    now = 60_000
    catalogUp = false
    expect((await source.load({ since: 0, until: 1 })).ttlMs.get('cex/agg/perp_oi_usd')).toBe(2)
    expect(calls.catalog).toBe(2)
  })

  it('turns every failure into FEATURE_STORE_UNAVAILABLE and counts it by reason', async () => {
    const reasons: string[] = []
    const failing = (error: unknown) => createFeatureSource({ client: fakeClient({ query: () => Promise.reject(error) }).client, feeds: FEEDS, catalogTtlMs: 1, onFailure: (reason) => reasons.push(reason) })
    const timeout = await failing(new FeatureStoreTimeoutError('POST /query timed out after 1500 ms', undefined, null)).load({ since: 0, until: 1 }).catch((error: unknown) => error)
    expect(timeout).toMatchObject({ statusCode: 503, code: 'FEATURE_STORE_UNAVAILABLE', message: expect.stringContaining('timed out') })
    const refused = await failing(new FeatureStoreError({ message: 'POST /query failed with 401 UNAUTHORIZED', status: 401, code: 'UNAUTHORIZED' })).load({ since: 0, until: 1 }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ statusCode: 503, code: 'FEATURE_STORE_UNAVAILABLE' })
    expect(reasons).toEqual(['TIMEOUT', 'UNAUTHORIZED'])
  })

  it('refuses an answer the store cut at the limit, and a catalog without a feed', async () => {
    const reasons: string[] = []
    const truncated = fakeClient({ query: async () => [result(FEEDS[0]!.featureId, [], true), result(FEEDS[1]!.featureId, [])] })
    const cut = await createFeatureSource({ client: truncated.client, feeds: FEEDS, catalogTtlMs: 1, onFailure: (reason) => reasons.push(reason) }).load({ since: 0, until: 1 }).catch((error: unknown) => error)
    expect(cut).toMatchObject({ code: 'FEATURE_STORE_UNAVAILABLE', message: expect.stringContaining('truncated macro/us/tga_balance_usd') })
    expect(reasons).toEqual(['INCOMPLETE'])
    const partial = fakeClient({ catalog: async () => [spec('macro/us/tga_balance_usd', 1)] })
    const lacking = await createFeatureSource({ client: partial.client, feeds: FEEDS, catalogTtlMs: 1 }).probe().catch((error: unknown) => error)
    expect(lacking).toMatchObject({ code: 'FEATURE_STORE_UNAVAILABLE', message: expect.stringContaining('lacks cex/agg/perp_oi_usd') })
  })
})
