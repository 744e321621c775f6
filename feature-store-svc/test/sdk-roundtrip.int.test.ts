import { createFeatureStoreClient, FeatureStoreError, type FeatureStoreClient } from '@lav/shared/sdk'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../test/support/redis-server'
import { buildApp } from '../src/app'
import { createDatabase } from '@lav/values-db'
import { DEPTH, signToken, startStore, testConfig, type StoreHarness } from './harness'

let store: StoreHarness
let client: FeatureStoreClient
let baseUrl: string

beforeAll(async () => {
  store = await startStore()
  baseUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  client = createFeatureStoreClient({ baseUrl, token: signToken({ sub: 'sdk', scope: 'oracle.publisher' }) })
})
afterAll(async () => {
  await store.close()
})

describe('the SDK against a real feature-store-svc over a socket', () => {
  it('publishes, then reads the same values back through latest and query', async () => {
    const ts = new Date(Date.now() - 60_000).toISOString()
    const result = await client.publish([{ featureId: DEPTH, ts, value: 7.5e8, evidence: [{ source: 'sdk-test' }] }])
    expect(result).toEqual({ accepted: 1, rejected: 0, errors: [] })
    const latest = await client.latest(DEPTH)
    expect(latest).toMatchObject({ featureId: DEPTH, value: 7.5e8, stale: false, evidence: [{ source: 'sdk-test' }] })
    expect(Date.parse(latest.ts)).toBe(Date.parse(ts))
    const [queried] = await client.query({ featureIds: [DEPTH], since: new Date(Date.now() - 3_600_000).toISOString() })
    expect(queried?.points).toHaveLength(1)
  })

  it('reads the catalog and one feature by its id with slashes', async () => {
    const hourly = await client.catalog({ frequency: '1h', tags: ['liquidity'] })
    expect(hourly.map((spec) => spec.id)).toContain(DEPTH)
    expect((await client.feature(DEPTH)).id).toBe(DEPTH)
    expect((await client.dq({ featureId: DEPTH })).features[0]?.featureId).toBe(DEPTH)
  })

  it('turns error answers into typed errors with status, code and correlation id', async () => {
    const notFound = await client.feature('macro/none').catch((error: unknown) => error)
    expect(notFound).toBeInstanceOf(FeatureStoreError)
    expect(notFound).toMatchObject({ status: 404, code: 'FEATURE_NOT_FOUND' })
    const invalid = await client.query({ featureIds: [] }).catch((error: unknown) => error)
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' })
    const traced = await client.withCorrelationId('trace-42').latest('x/none').catch((error: unknown) => error)
    expect(traced).toMatchObject({ status: 404, correlationId: 'trace-42' })
    const anonymous = createFeatureStoreClient({ baseUrl, retries: 0 })
    expect(await anonymous.catalog().catch((error: unknown) => error)).toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
  })
})

describe('when PostgreSQL is unreachable', () => {
  it('publish answers 503 without driver details and writes nothing', async () => {
    const deadSql = createDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/none`, 1)
    const app = await buildApp({ config: testConfig, sql: deadSql, registry: new Registry(), logger: false, defaultMetrics: false })
    const response = await app.inject({
      method: 'POST',
      url: '/api/features/v1/publish',
      headers: { authorization: `Bearer ${signToken({ sub: 'x', scope: 'oracle.publisher' })}` },
      payload: [{ featureId: DEPTH, ts: '2025-10-01T00:00:00Z', value: 1e9 }],
    })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'STORAGE_UNAVAILABLE' })
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/)
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json().checks.postgres).toMatch(/^down/)
    await app.close()
    await deadSql.end({ timeout: 1 })
  })
})
