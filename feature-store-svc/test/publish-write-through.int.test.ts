import { pino } from 'pino'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLatestCache } from '../src/cache/latest-cache'
import { createPublishService } from '../src/publish/publish-service'
import { createCatalogRepository } from '../src/registry/catalog-repository'
import { createCatalogSnapshot } from '../src/registry/catalog-snapshot'
import { createPartitionManager } from '@lav/values-db'
import { createValuesRepository } from '../src/storage/values-repository'
import { DEPTH, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const HOUR = 3_600_000
let store: StoreHarness

beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

/**
 * A second replica of the store's publish path on the same PostgreSQL and Redis, whose re-read of
 * the latest rows after commit fails (a connection dropped at that moment).
 */
function replicaWithFailingReRead() {
  const values = createValuesRepository(store.sql)
  const registry = new Registry()
  const cache = createLatestCache({ redis: store.redis, registry, log: pino({ level: 'silent' }), ttlSeconds: 300, reload: (ids) => values.latest(ids), repairIntervalMs: 50 })
  const failingReRead = { ...values, latest: async () => Promise.reject(Object.assign(new Error('connection terminated'), { code: '08006' })) }
  const publish = createPublishService({ catalog: createCatalogSnapshot(createCatalogRepository(store.sql)), values: failingReRead, partitions: createPartitionManager(store.sql), cache, registry })
  return { publish, cache }
}

describe('publish when the re-read after commit fails', () => {
  it('answers success for the committed points and never serves the older cached value', async () => {
    const older = point(DEPTH, new Date(Date.now() - 2 * HOUR).toISOString(), 1e9)
    await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: bearer('oracle.publisher'), payload: [older] })
    expect((await store.redis?.keys('*'))?.length).toBeGreaterThan(0)

    const replica = replicaWithFailingReRead()
    try {
      const newer = point(DEPTH, new Date(Date.now() - HOUR).toISOString(), 2e9)
      await expect(replica.publish([newer])).resolves.toEqual({ accepted: 1, rejected: 0, errors: [] })
      const [stored] = await store.sql<{ value: number }[]>`select value from features_values where feature_id = ${DEPTH} order by ts desc limit 1`
      expect(stored?.value).toBe(2e9)
      // This replica reads the feature from PostgreSQL until its repair has written it through...
      expect(await replica.cache.get(DEPTH)).toBeUndefined()
      // ...which it does, so every replica's cache holds the newer point.
      await expect.poll(async () => (await replica.cache.get(DEPTH))?.ts, { timeout: 5_000 }).toBe(Date.parse(newer.ts))
      const latest = await store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: bearer('oracle.reader') })
      expect(latest.json().value).toBe(2e9)
    } finally {
      replica.cache.close()
    }
  })
})
