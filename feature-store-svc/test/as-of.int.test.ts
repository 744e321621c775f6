import type { PublishPoint } from '@lav/shared/contracts'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, point, startStore, WALCL, type StoreHarness } from './harness'

// Knowledge time: every version of a point is kept with the interval the store knew it, and
// POST /query and GET /latest answer `asOf` an instant with what the store knew then.
const API = '/api/features/v1'
const READ = bearer('oracle.reader')
const PUBLISH = bearer('oracle.publisher')
const BTC = 'crypto/btc/spot_price_usd'
let store: StoreHarness

beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

async function publish(points: PublishPoint[]) {
  const response = await store.app.inject({ method: 'POST', url: `${API}/publish`, headers: PUBLISH, payload: points })
  expect(response.statusCode).toBe(200)
  return response.json() as { accepted: number; rejected: number; errors: { reason: string; message: string }[] }
}

/** PostgreSQL's own clock: the instant every write before this call is known by. */
async function dbNow(): Promise<string> {
  const [row] = await store.sql<{ at: Date }[]>`select clock_timestamp() as at`
  // The driver truncates to whole milliseconds: one more is after everything before this call.
  return new Date((row?.at as Date).getTime() + 1).toISOString()
}

async function query(body: Record<string, unknown>) {
  const response = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: body })
  expect(response.statusCode).toBe(200)
  return response.json() as { points: { ts: string; value: number; ingested_at: string }[]; coverage: { observed: number } }[]
}

const latest = (featureId: string, asOf?: string) => store.app.inject({ method: 'GET', url: `${API}/latest`, query: asOf ? { featureId, asOf } : { featureId }, headers: READ })

describe('a revised WALCL week', () => {
  const week = '2025-01-08T00:00:00.000Z'
  const window = { featureIds: [WALCL], since: '2025-01-01T00:00:00Z', until: '2025-01-31T00:00:00Z' }
  let before: string
  let between: string
  let after: string

  beforeAll(async () => {
    before = await dbNow()
    await publish([point(WALCL, week, 6.869e12)])
    between = await dbNow()
    // H.4.1 revised the week a few days later.
    await publish([point(WALCL, week, 6.871e12)])
    after = await dbNow()
  })

  it('reads as the store knew it before and after the revision; the current read is the revised one', async () => {
    expect((await query({ ...window, asOf: before }))[0]?.points).toEqual([])
    const known = (await query({ ...window, asOf: between }))[0]?.points
    expect(known?.map((p) => p.value)).toEqual([6.869e12])
    expect(Date.parse(known?.[0]?.ingested_at as string)).toBeLessThanOrEqual(Date.parse(between))
    expect((await query({ ...window, asOf: after }))[0]?.points.map((p) => p.value)).toEqual([6.871e12])
    expect((await query(window))[0]?.points.map((p) => p.value)).toEqual([6.871e12])
  })

  it('aggregates and coverage are as of the instant too', async () => {
    const [avgThen] = await query({ ...window, agg: 'avg', asOf: between })
    expect(avgThen?.points.map((p) => p.value)).toEqual([6.869e12])
    const [avgBefore] = await query({ ...window, agg: 'avg', interval: '1w', asOf: before })
    expect(avgBefore?.points).toEqual([])
    expect(avgBefore?.coverage.observed).toBe(0)
  })

  it('GET /latest?asOf answers the version known then, with stale and age as of that instant', async () => {
    const then = await latest(WALCL, between)
    expect(then.statusCode).toBe(200)
    expect(then.json()).toMatchObject({ value: 6.869e12, ts: week, age_ms: Date.parse(between) - Date.parse(week) })
    expect((await latest(WALCL, after)).json().value).toBe(6.871e12)
    expect((await latest(WALCL, before)).json()).toMatchObject({ statusCode: 404, code: 'NO_DATA' })
    expect((await latest(WALCL)).json().value).toBe(6.871e12)
  })

  it('keeps the replaced version with the interval it was known', async () => {
    const rows = await store.sql<{ value: number; known_from: Date; known_until: Date }[]>`
      select value, known_from, known_until from features_revisions where feature_id = ${WALCL} and ts = ${week}`
    const [current] = await store.sql<{ ingested_at: Date }[]>`select ingested_at from features_values where feature_id = ${WALCL} and ts = ${week}`
    expect(rows).toHaveLength(1)
    expect(rows[0]?.value).toBe(6.869e12)
    expect(rows[0]?.known_until.getTime()).toBe(current?.ingested_at.getTime())
  })

  it('an instant PostgreSQL cannot hold, or an asOf in the future, is a 400, never a 500', async () => {
    for (const asOf of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1799-12-31T23:59:59Z']) {
      const response = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: { ...window, since: undefined, asOf } })
      expect(response.statusCode).toBe(400)
      expect(response.json().message).toContain('asOf')
      expect((await latest(WALCL, asOf)).statusCode).toBe(400)
    }
    const since = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: { ...window, since: '0000-01-01T00:00:00Z' } })
    expect(since.statusCode).toBe(400)
    const future = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: { ...window, asOf: '9999-01-01T00:00:00Z' } })
    expect(future.statusCode).toBe(400)
    expect(future.json().message).toBe('asOf is in the future: the store can answer only what it knew up to now')
    expect((await latest(WALCL, '9999-01-01T00:00:00Z')).json()).toMatchObject({ statusCode: 400, message: expect.stringContaining('future') })
  })

  it('a bad asOf is a 400 naming it', async () => {
    const response = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: { ...window, asOf: 'yesterday' } })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toContain('asOf')
    const bad = await store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: WALCL, asOf: '2025-13-01T00:00:00Z' }, headers: READ })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('asOf')
  })
})

describe('known_at from the source', () => {
  it('a version the source dates (FRED realtime_start) is known from that instant', async () => {
    const ts = '2024-06-05T00:00:00.000Z'
    await publish([{ ...point(WALCL, ts, 7.2e12), known_at: '2024-06-06T20:30:00Z' }])
    const window = { featureIds: [WALCL], since: ts, until: ts }
    expect((await query({ ...window, asOf: '2024-06-06T20:29:59Z' }))[0]?.points).toEqual([])
    const [known] = (await query({ ...window, asOf: '2024-06-06T20:30:00Z' }))[0]?.points ?? []
    expect(known?.value).toBe(7.2e12)
    // ingested_at stays when the store accepted it; the source's instant only decides visibility.
    expect(Date.parse(known?.ingested_at as string)).toBeGreaterThan(Date.parse('2024-06-07T00:00:00Z'))
  })

  it('refuses a known_at that is not an instant or lies in the future, per point', async () => {
    const result = await publish([
      { ...point(WALCL, '2024-06-12T00:00:00Z', 7.2e12), known_at: 'soon' },
      { ...point(WALCL, '2024-06-19T00:00:00Z', 7.2e12), known_at: new Date(Date.now() + 3_600_000).toISOString() },
    ])
    expect(result.accepted).toBe(0)
    expect(result.errors.map((error) => error.reason)).toEqual(['invalid_known_at', 'invalid_known_at'])
    expect(result.errors[1]?.message).toContain('cannot be known in the future')
  })
})

describe('vintages that arrive out of order', () => {
  const ts = '2020-03-03T00:00:00.000Z'
  const vintage = (value: number, knownAt: string) => ({ ...point(BTC, ts, value), known_at: knownAt })
  const asOf = async (instant: string) => (await latest(BTC, instant)).json().value as number | undefined

  it('a late, older vintage goes into the history where it belongs; the current version stays', async () => {
    await publish([vintage(30_000, '2020-03-04T00:00:00Z')])
    await publish([vintage(31_000, '2020-03-10T00:00:00Z')])
    // Arrives last, but the source dates it between the two.
    expect((await publish([vintage(30_500, '2020-03-07T00:00:00Z')])).accepted).toBe(1)
    // And one older than every version the store holds.
    await publish([vintage(29_000, '2020-03-01T00:00:00Z')])
    expect(await asOf('2020-03-02T00:00:00Z')).toBe(29_000)
    expect(await asOf('2020-03-05T00:00:00Z')).toBe(30_000)
    expect(await asOf('2020-03-08T00:00:00Z')).toBe(30_500)
    expect(await asOf('2020-03-11T00:00:00Z')).toBe(31_000)
    expect((await latest(BTC)).json().value).toBe(31_000)
  })

  it('the same vintage with another value corrects it in place', async () => {
    await publish([vintage(31_200, '2020-03-10T00:00:00Z')])
    expect(await asOf('2020-03-11T00:00:00Z')).toBe(31_200)
    expect(await asOf('2020-03-08T00:00:00Z')).toBe(30_500)
    const [row] = await store.sql<{ n: number }[]>`select count(*)::int as n from features_revisions where feature_id = ${BTC} and ts = ${ts}`
    expect(row?.n).toBe(3)
  })

  it('a re-fetch of the same value with new evidence is not a revision', async () => {
    const day = '2020-01-01T00:00:00Z'
    const again = (fetched: string) => ({ ...point(WALCL, day, 4.2e12), evidence: [{ source: 'fred:WALCL', fetched_at: fetched }] })
    const ingestedAt = async () => (await store.sql<{ at: Date }[]>`select ingested_at as at from features_values where feature_id = ${WALCL} and ts = ${day}`)[0]?.at.getTime()
    await publish([again('2020-01-02T00:00:00Z')])
    const first = await ingestedAt()
    await publish([again('2020-01-03T00:00:00Z')])
    expect(await ingestedAt()).toBe(first)
    const [row] = await store.sql<{ n: number }[]>`select count(*)::int as n from features_revisions where feature_id = ${WALCL} and ts = ${day}`
    expect(row?.n).toBe(0)
  })
})

describe('concurrent revisions of one point', () => {
  it('keep every version, each known strictly after the one it replaced', async () => {
    const ts = '2025-03-05T00:00:00.000Z'
    await Promise.all(Array.from({ length: 12 }, (_, i) => publish([point(BTC, ts, 50_000 + i)])))
    const versions = await store.sql<{ value: number; known_from: Date; known_until: Date | null }[]>`
      select value, known_from, known_until from features_revisions where feature_id = ${BTC} and ts = ${ts}
      union all
      select value, coalesce(known_at, ingested_at), null from features_values where feature_id = ${BTC} and ts = ${ts}
      order by known_from`
    expect(versions.map((v) => v.value).sort()).toEqual(Array.from({ length: 12 }, (_, i) => 50_000 + i).sort())
    for (let i = 1; i < versions.length; i++) expect(versions[i - 1]?.known_until?.getTime()).toBe(versions[i]?.known_from.getTime())
    expect(versions.at(-1)?.known_until).toBeNull()
  })
})

describe('as-of reads against a brute-force reference (property)', () => {
  // Random revision histories of a few points: after every publish, an as-of read at that
  // instant must equal the last value each point was given up to then, and nothing later.
  const keys = [0, 1, 2].flatMap((day) => [WALCL, BTC].map((featureId) => ({ featureId, day })))
  const valueFor = (featureId: string, n: number) => (featureId === WALCL ? 5e12 + n * 1e9 : 20_000 + n)
  const history = fc.array(fc.array(fc.tuple(fc.nat({ max: keys.length - 1 }), fc.nat({ max: 1000 })), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })

  it('matches for every step of every history', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(history, async (steps) => {
        // Each run writes its own days, so runs never see each other's points.
        const base = Date.UTC(2023, 0, 1) + run++ * 7 * 86_400_000
        const tsOf = (day: number) => new Date(base + day * 86_400_000).toISOString()
        const reference = new Map<string, number>()
        const checkpoints: { at: string; expected: Map<string, number> }[] = [{ at: await dbNow(), expected: new Map() }]
        for (const batch of steps) {
          const byKey = new Map(batch.map(([key, n]) => [key, n]))
          await publish([...byKey].map(([key, n]) => point(keys[key]?.featureId as string, tsOf(keys[key]?.day as number), valueFor(keys[key]?.featureId as string, n))))
          for (const [key, n] of byKey) reference.set(`${keys[key]?.featureId}@${tsOf(keys[key]?.day as number)}`, valueFor(keys[key]?.featureId as string, n))
          checkpoints.push({ at: await dbNow(), expected: new Map(reference) })
        }
        for (const { at, expected } of checkpoints) {
          const results = await query({ featureIds: [WALCL, BTC], since: tsOf(0), until: tsOf(2), asOf: at })
          const seen = new Map(results.flatMap((result, i) => result.points.map((p) => [`${[WALCL, BTC][i]}@${p.ts}`, p.value] as const)))
          expect(seen).toEqual(expected)
        }
      }),
      { numRuns: 25 },
    )
  })
})

describe('instants PostgreSQL cannot hold, from any caller', () => {
  // Found by the schema fuzzer: year 0000 parses in JavaScript and was a 500 from PostgreSQL.
  it.each(['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z'])('asOf=%s → 400 naming the years, on /latest and /query', async (asOf) => {
    const read = await latest(WALCL, asOf)
    expect(read.statusCode).toBe(400)
    expect(read.json().message).toMatch(/asOf: .*(from 1800-01-01T00:00:00Z to 9999|ISO 8601)/)
    const body = { featureIds: [WALCL], since: '2025-01-01T00:00:00Z', asOf }
    const queried = await store.app.inject({ method: 'POST', url: `${API}/query`, headers: READ, payload: body })
    expect(queried.statusCode).toBe(400)
    // The floor is 1800 (an as-of read also reaches 30 days before asOf): 1800 itself is a plain read.
    expect((await latest(WALCL, '0001-01-01T00:00:00Z')).statusCode).toBe(400)
    expect((await latest(WALCL, '1800-01-01T00:00:00Z')).statusCode).toBe(404)
  })
})
