import { randomUUID } from 'node:crypto'
import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { bearer, startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { startGateway } from '@lav/gateway/testing'
import { createRateLimitRedis } from '@lav/gateway/ratelimit'
import { buildLiquidity } from '@lav/liquidity-svc/testing'
import type { ZodApp } from '@lav/shared'
import type { Redis } from 'ioredis'
import { fuzzRoute, type RouteReport } from './fuzz/fuzz-runner'
import { formatReports } from './fuzz/fuzz-report'
import { routeFuzzers, type OpenApiDocument } from './fuzz/route-cases'
import { defaultDictionary } from './fuzz/schema-arbitrary'
import { checkPublishWrote, databaseNow, storeFingerprint } from './fuzz/store-writes'

// Schema fuzzing through the real gateway in front of the real services (own database, real
// Redis): every operation of the merged OpenAPI document, cases derived from its JSON schemas and
// mutated with hostile values. FUZZ_CASES per route (the bench runs 10,000: bench/fuzz.bench.ts).
const CASES = Number(process.env.FUZZ_CASES ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 14)

let store: StoreHarness
let liquidity: ZodApp
let gateway: ZodApp
let redis: Redis
let gatewayUrl: string

beforeAll(async () => {
  store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  liquidity = (await buildLiquidity({ storeUrl })).app
  const liquidityUrl = await liquidity.listen({ host: '127.0.0.1', port: 0 })
  redis = createRateLimitRedis(inject('redisUrl'), 500)
  gateway = (await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: liquidityUrl }, redis, namespace: `fuzz:${randomUUID()}:`, rateLimitPerMinute: 1_000_000 })).app
  gatewayUrl = await gateway.listen({ host: '127.0.0.1', port: 0 })
  await seedPoints()
})

/** A point an hour ago and a day ago for every feature, inside its range: reads then have data to find. */
async function seedPoints(): Promise<void> {
  const specs = await store.sql<{ id: string; spec: { quality?: { expected_range?: [number, number] } } }[]>`select id, spec from features_catalog`
  const points = specs.flatMap(({ id, spec }) => {
    const [low, high] = spec.quality?.expected_range ?? [0, 1]
    return [1, 25].map((hours) => ({ featureId: id, ts: new Date(Math.floor(Date.now() / 3_600_000 - hours) * 3_600_000).toISOString(), value: (low + high) / 2 }))
  })
  const answer = await store.app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: bearer('oracle.publisher'), payload: points })
  expect(answer.json()).toMatchObject({ rejected: 0 })
}
afterAll(async () => {
  await gateway?.close()
  await liquidity?.close()
  redis?.disconnect()
  await store?.close()
})

async function document(): Promise<OpenApiDocument> {
  const answer = await gateway.inject({ method: 'GET', url: '/docs/json' })
  expect(answer.statusCode).toBe(200)
  const doc = answer.json() as OpenApiDocument
  expect(doc.info.description ?? '').not.toContain('Not reachable')
  return doc
}

describe('schema fuzzing through the gateway', () => {
  it(`every route of /docs/json: ${CASES} cases + a 10 MB body each → no 5xx, every 4xx with a message, no partial write`, async () => {
    const ids = (await store.sql<{ id: string }[]>`select id from features_catalog order by id`).map((row) => row.id)
    const fuzzers = routeFuzzers(await document(), defaultDictionary(ids))
    // The API of api.md, at least: a route that vanished from the document would no longer be fuzzed.
    expect(fuzzers.length).toBeGreaterThanOrEqual(12)
    const token = createTokenSigner(TEST_AUTH)({ sub: 'fuzzer', scope: 'oracle.reader oracle.publisher oracle.admin' })
    const reports: RouteReport[] = []
    for (const [index, fuzzer] of fuzzers.entries()) reports.push(await fuzzRoute({ gatewayUrl, token, sql: store.sql }, fuzzer, CASES, SEED + index * 100_000))
    console.log(formatReports(reports))
    for (const report of reports) {
      expect.soft(report.cases, report.route).toBe(CASES + 2)
      expect.soft({ route: report.route, server5xx: report.server5xx, noMessage: report.noMessage, partialWrites: report.partialWrites, failures: report.failures }).toEqual({ route: report.route, server5xx: 0, noMessage: 0, partialWrites: 0, failures: [] })
    }
  }, 600_000)

  it('the write checks see what they are for: a changed catalog row, a claimed point that is not there, a row nobody accepted', async () => {
    const before = await storeFingerprint(store.sql)
    await store.sql`update features_catalog set version = version + 1 where id = 'macro/us/walcl_total_usd'`
    expect(await storeFingerprint(store.sql)).not.toBe(before)
    const since = await databaseNow(store.sql)
    const claimed = JSON.stringify([{ featureId: 'macro/us/walcl_total_usd', ts: '2025-10-20T00:00:00Z', value: 123.456 }])
    expect(await checkPublishWrote(store.sql, claimed, { accepted: 1, rejected: 0, errors: [] }, since)).toMatch(/is not in the table/)
    expect(await checkPublishWrote(store.sql, claimed, { accepted: 0, rejected: 0, errors: [] }, since)).toMatch(/≠ 1 points sent/)
    await store.sql`insert into features_values (feature_id, ts, value, confidence) values ('cex/agg/perp_oi_usd', date_trunc('minute', now()) - interval '7 minutes', 1, 1)`
    expect(await checkPublishWrote(store.sql, '[]', { accepted: 0, rejected: 0, errors: [] }, since)).toMatch(/1 rows changed for 0 accepted/)
  })

  it('leaves the stack able to serve: /readyz is 200, a new feature is created, published and read back', async () => {
    expect((await gateway.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    const id = 'test/fuzz/after_the_storm'
    const spec = { id, entity: 'market', description: 'after the fuzz run', unit: 'USD', frequency: '1m', ttl_ms: 120_000, tags: ['fuzz'], source: { id: 'test', class: 'derived', schema: 'v1' } }
    const admin = { ...bearer('oracle.admin'), 'content-type': 'application/json' }
    expect((await gateway.inject({ method: 'POST', url: '/api/features/v1/catalog', headers: admin, payload: spec })).statusCode).toBe(201)
    const ts = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString()
    const published = await gateway.inject({ method: 'POST', url: '/api/features/v1/publish', headers: admin, payload: [{ featureId: id, ts, value: 65_000 }] })
    expect(published.json()).toEqual({ accepted: 1, rejected: 0, errors: [] })
    const latest = await gateway.inject({ method: 'GET', url: `/api/features/v1/latest?featureId=${encodeURIComponent(id)}`, headers: bearer('oracle.reader') })
    expect(latest.json()).toMatchObject({ featureId: id, ts, value: 65_000 })
  })
})
