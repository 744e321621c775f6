import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BTC_FLOW, DEPTH, WALCL, bearer, point, startStore, type StoreHarness } from './harness'

const PUB = bearer('oracle.publisher')
const API = '/api/features/v1'
let store: StoreHarness

beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

const publish = (payload: unknown) => store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload: payload as object })
const rows = (featureId: string) =>
  store.sql<{ ts: Date; value: number; confidence: number; ingested_at: Date; meta: unknown }[]>`
    select ts, value, confidence, ingested_at, meta from features_values where feature_id = ${featureId} order by ts`

describe('POST /publish', () => {
  it('accepts valid points, stores them, and defaults confidence to 1', async () => {
    const response = await publish([
      point(DEPTH, '2025-10-20T00:00:00Z', 1.5e9, { meta: { venue: 'agg' }, evidence: [{ source: 'kaiko', ref: 'r1' }] }),
      point(DEPTH, '2025-10-20T01:00:00+00:00', 1.6e9, { confidence: 0.7 }),
    ])
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ accepted: 2, rejected: 0, errors: [] })
    const stored = await rows(DEPTH)
    expect(stored.map((r) => [r.ts.toISOString(), r.value, r.confidence])).toEqual([
      ['2025-10-20T00:00:00.000Z', 1.5e9, 1],
      ['2025-10-20T01:00:00.000Z', 1.6e9, 0.7],
    ])
    expect(stored[0]?.meta).toEqual({ venue: 'agg' })
  })

  it('rejects each bad point with its reason and writes the good ones', async () => {
    const inRange = 5e12
    const farFuture = new Date(Date.now() + 10 * 60_000).toISOString()
    const response = await publish([
      point('macro/us/nope_usd', '2025-10-01T00:00:00Z', 1),
      point(WALCL, 'yesterday', inRange),
      point(WALCL, '2025-10-01T00:00:00', inRange),
      point(WALCL, farFuture, inRange),
      point(WALCL, '2025-10-01T00:00:00Z', 1e12),
      point(WALCL, '2025-10-08T00:00:00Z', inRange, { confidence: 1.5 }),
      point(WALCL, '2025-10-15T00:00:00Z', inRange),
      point(WALCL, '2025-10-15T00:00:00.000+00:00', inRange + 1),
    ])
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected).toBe(7)
    expect(body.errors.map((e: { index: number; reason: string }) => [e.index, e.reason])).toEqual([
      [0, 'unknown_feature'],
      [1, 'invalid_ts'],
      [2, 'invalid_ts'],
      [3, 'future_ts'],
      [4, 'out_of_range'],
      [5, 'invalid_confidence'],
      [6, 'duplicate_in_batch'],
    ])
    for (const error of body.errors) expect(error.message).toEqual(expect.any(String))
    const stored = await rows(WALCL)
    expect(stored.map((r) => [r.ts.toISOString(), r.value])).toEqual([['2025-10-15T00:00:00.000Z', inRange + 1]])
  })

  it('rejects a non-finite value (1e999 in JSON) per point', async () => {
    const response = await store.app.inject({
      method: 'POST',
      url: `${API}/publish`,
      headers: { ...PUB, 'content-type': 'application/json' },
      payload: `[{"featureId":"${BTC_FLOW}","ts":"2025-10-01T00:00:00Z","value":1e999}]`,
    })
    expect(response.json()).toMatchObject({ accepted: 0, rejected: 1, errors: [{ index: 0, reason: 'non_finite_value' }] })
  })

  it('treats an identical re-publish as a no-op and a changed value as a revision', async () => {
    const batch = [point(BTC_FLOW, '2025-09-01T00:00:00Z', -2.5e8), point(BTC_FLOW, '2025-09-02T00:00:00Z', 3e8)]
    await publish(batch)
    const before = await rows(BTC_FLOW)
    const replay = await publish(batch)
    expect(replay.json()).toMatchObject({ accepted: 2, rejected: 0 })
    const after = await rows(BTC_FLOW)
    expect(after.map((r) => r.ingested_at.getTime())).toEqual(before.map((r) => r.ingested_at.getTime()))

    await publish([point(BTC_FLOW, '2025-09-02T00:00:00Z', 3.1e8)])
    const revised = await rows(BTC_FLOW)
    expect(revised.map((r) => r.value)).toEqual([-2.5e8, 3.1e8])
    expect(revised[1]?.ingested_at.getTime()).toBeGreaterThan(before[1]?.ingested_at.getTime() as number)
    expect(revised[0]?.ingested_at.getTime()).toBe(before[0]?.ingested_at.getTime())
  })

  it('creates the partition of an old day on demand', async () => {
    const response = await publish([point(BTC_FLOW, '2024-02-29T00:00:00Z', 1e8)])
    expect(response.json()).toMatchObject({ accepted: 1 })
    const [partition] = await store.sql`select to_regclass('features_values_p20240229') is not null as exists`
    expect(partition?.exists).toBe(true)
    const [defaults] = await store.sql`
      select count(*)::int as n from pg_partitioned_table where partrelid = 'features_values'::regclass and partdefid <> 0`
    expect(defaults?.n).toBe(0)
  })

  it('survives concurrent overlapping batches: no error, final state equal to one of the orders', async () => {
    const hours = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2025, 7, 1) + i * 3_600_000).toISOString())
    const batchA = hours.map((ts) => point(DEPTH, ts, 1e9))
    const batchB = [...hours].reverse().map((ts) => point(DEPTH, ts, 2e9))
    const responses = await Promise.all([publish(batchA), publish(batchB), publish(batchA), publish(batchB)])
    for (const response of responses) expect(response.json()).toMatchObject({ accepted: 400, rejected: 0 })
    const [state] = await store.sql<{ values: number[] }[]>`
      select array_agg(distinct value) as values from features_values
      where feature_id = ${DEPTH} and ts >= '2025-08-01' and ts < '2025-09-01'`
    expect(state?.values).toHaveLength(1)
    expect([1e9, 2e9]).toContain(state?.values[0])
  })
})

describe('POST /publish with a malformed body writes nothing', () => {
  const countAll = async () => Number((await store.sql`select count(*)::int as n from features_values`)[0]?.n)

  it.each([
    ['not an array', { featureId: DEPTH, ts: '2025-10-20T00:00:00Z', value: 1e9 }],
    ['a value of the wrong type', [point(DEPTH, '2025-06-01T00:00:00Z', 1e9), { featureId: DEPTH, ts: '2025-06-01T01:00:00Z', value: '1e9' }]],
    ['an unknown property', [{ ...point(DEPTH, '2025-06-01T00:00:00Z', 1e9), colour: 'red' }]],
  ])('%s → 400', async (_label, payload) => {
    const before = await countAll()
    const response = await publish(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', error: 'Bad Request' })
    expect(response.json().issues.length).toBeGreaterThan(0)
    expect(await countAll()).toBe(before)
  })

  it('more than 10,000 points → 400 naming the limit', async () => {
    const before = await countAll()
    const payload = Array.from({ length: 10_001 }, (_, i) => point(DEPTH, new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), 1e9))
    const response = await publish(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toContain('10000')
    expect(await countAll()).toBe(before)
  })

  it.each([
    ['a NUL in a meta string', [point(DEPTH, '2025-06-02T00:00:00Z', 1e9, { meta: { venue: 'a\u0000b' } })], '0.meta.venue'],
    ['a NUL in a meta key, deep inside', [point(DEPTH, '2025-06-02T00:00:00Z', 1e9, { meta: { fills: [{ 'px\u0000': 1 }] } })], '0.meta.fills.0.px\u0000'],
    ['a lone surrogate in a meta string', [point(DEPTH, '2025-06-02T00:00:00Z', 1e9, { meta: { note: 'x\ud800y' } })], '0.meta.note'],
    ['a NUL in an evidence field', [point(DEPTH, '2025-06-02T00:00:00Z', 1e9, { evidence: [{ source: 'kaiko\u0000' }] })], '0.evidence.0.source'],
    ['an evidence fetched_at that is no instant', [point(DEPTH, '2025-06-02T00:00:00Z', 1e9, { evidence: [{ source: 'kaiko', fetched_at: 'last week' }] })], '0.evidence.0.fetched_at'],
  ])('text PostgreSQL cannot store (%s) → 400 naming where, nothing written', async (_label, payload, path) => {
    const before = await countAll()
    const response = await publish([point(DEPTH, '2025-06-02T01:00:00Z', 1e9), ...payload])
    expect(response.statusCode).toBe(400)
    expect(response.json().issues.map((issue: { path: string }) => issue.path)).toEqual([path.replace(/^0\./, 'body.1.')])
    expect(await countAll()).toBe(before)
  })

  it('meta nested 10,000 levels deep (found by the schema fuzzer: a 500, the walk overflowed the stack) → 400 naming the depth, nothing written', async () => {
    const before = await countAll()
    const depth = 10_000
    const body = `[{"featureId":"${DEPTH}","ts":"2025-06-02T02:00:00Z","value":1e9,"meta":{"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}]`
    const response = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: { ...bearer('oracle.publisher'), 'content-type': 'application/json' }, payload: body })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toContain('nested deeper than 64 levels')
    expect(await countAll()).toBe(before)
    const shallow = await publish([point(DEPTH, '2025-06-02T02:00:00Z', 1e9, { meta: { a: { b: { c: [1, 2, { d: 'e' }] } } } })])
    expect(shallow.json()).toMatchObject({ accepted: 1 })
  })

  it('a batch spanning more UTC days than one publish may lock → 400 saying how to split it; nothing written, no partition made', async () => {
    const partitions = async () => Number((await store.sql`select count(*)::int as n from pg_inherits where inhparent = 'features_values'::regclass`)[0]?.n)
    const [before, partitionsBefore] = [await countAll(), await partitions()]
    const days = (count: number, firstDay: number) => Array.from({ length: count }, (_, i) => point(DEPTH, new Date(Date.UTC(1990, 0, firstDay + i)).toISOString(), 1e9))
    const response = await publish(days(501, 1))
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/spans 501 UTC days.*at most 500.*split/) })
    expect([await countAll(), await partitions()]).toEqual([before, partitionsBefore])

    const accepted = await publish(days(500, 1))
    expect(accepted.json()).toEqual({ accepted: 500, rejected: 0, errors: [] })
    expect(await partitions()).toBe(partitionsBefore + 500)
    const query = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: bearer('oracle.reader'), payload: { featureIds: [DEPTH], since: '1990-01-01T00:00:00Z', until: '1991-12-31T00:00:00Z' } })
    expect(query.statusCode).toBe(200)
    expect(query.json()[0].points).toHaveLength(500)
  })

  it('a ts before 1800 (year 0000 parses in JavaScript, not in PostgreSQL) is rejected as invalid_ts; the rest is written', async () => {
    const response = await publish([point(DEPTH, '0000-01-01T00:00:00Z', 1e9), point(DEPTH, '1799-12-31T23:59:59Z', 1e9), point(DEPTH, '1800-01-01T00:00:00Z', 1e9)])
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ accepted: 1, rejected: 2 })
    expect(response.json().errors.map((error: { index: number; reason: string }) => [error.index, error.reason])).toEqual([
      [0, 'invalid_ts'],
      [1, 'invalid_ts'],
    ])
    expect(response.json().errors[0].message).toContain('before 1800-01-01T00:00:00Z')
  })

  it('a body over the size limit → 413', async () => {
    const limited = await store.rebuild({ config: { publishBodyLimit: 10_000 } })
    const payload = Array.from({ length: 200 }, (_, i) => point(DEPTH, new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), 1e9))
    const response = await limited.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' })
  })
})

describe('publish and query metrics', () => {
  it('count accepted points, rejections by reason, whole refused batches, and time queries by endpoint', async () => {
    const own = await startStore()
    try {
      const post = (payload: object[]) => own.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUB, payload })
      await post([point(DEPTH, '2025-06-01T00:00:00Z', 1e9), point(DEPTH, '2025-06-01T01:00:00Z', 1e9), point(DEPTH, '2025-06-01T02:00:00Z', 1)])
      await post([point('macro/us/nope_usd', '2025-06-01T00:00:00Z', 1)])
      const tooManyDays = Array.from({ length: 501 }, (_, day) => point(BTC_FLOW, new Date(Date.UTC(2001, 0, 1 + day)).toISOString(), 1e8))
      expect((await post(tooManyDays)).statusCode).toBe(400)
      await own.app.inject({ method: 'POST', url: `${API}/query`, headers: bearer('oracle.reader'), payload: { featureIds: [DEPTH], since: '2025-06-01T00:00:00Z', until: '2025-06-02T00:00:00Z' } })
      await own.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: DEPTH }, headers: bearer('oracle.reader') })

      const metrics = (await own.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(metrics).toContain(`feature_ingest_total{feature="${DEPTH}"} 2`)
      expect(metrics).toContain(`feature_ingest_fail_total{feature="${DEPTH}",reason="out_of_range"} 1`)
      expect(metrics).toContain('feature_ingest_fail_total{feature="unknown",reason="unknown_feature"} 1')
      expect(metrics).toContain(`feature_ingest_fail_total{feature="${BTC_FLOW}",reason="batch_refused"} 501`)
      expect(metrics).toContain('feature_query_duration_seconds_count{endpoint="query"} 1')
      expect(metrics).toContain('feature_query_duration_seconds_count{endpoint="latest"} 1')
    } finally {
      await own.close()
    }
  })
})

describe('a publish PostgreSQL does not finish in time', () => {
  it('answers 503 before the gateway would time out; a retry once PostgreSQL answers writes the batch', async () => {
    const app = await store.rebuild({ config: { publishTimeoutMs: 300 } })
    const batch = [point(DEPTH, '2025-06-01T10:00:00Z', 1.23e9)]
    const blocker = await store.sql.reserve()
    try {
      await blocker`begin`
      await blocker`lock table features_values in access exclusive mode`
      const stalled = await app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: bearer('oracle.publisher'), payload: batch })
      expect(stalled.statusCode).toBe(503)
      expect(stalled.json()).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: expect.stringContaining('retry it') })
    } finally {
      await blocker`rollback`
      blocker.release()
    }
    const retried = await app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: bearer('oracle.publisher'), payload: batch })
    expect(retried.json()).toMatchObject({ accepted: 1, rejected: 0 })
    const [row] = await store.sql<{ value: number }[]>`select value from features_values where feature_id = ${DEPTH} and ts = '2025-06-01T10:00:00Z'`
    expect(row?.value).toBe(1.23e9)
  })
})
