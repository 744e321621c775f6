import type { ZodApp } from '@lav/shared'
import type { PublishPoint, RegimeOutput } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import { DAY_MS, MINUTE_MS, toIso } from '@lav/shared/time'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { signToken as storeToken, startStore, type StoreHarness } from '@lav/feature-store-svc/testing'
import { toSeries } from '../src/signals/series'
import { evaluateInstants } from '../src/signals/evaluate'
import type { EvaluationData, FeedSeries } from '../src/signals/types'
import { API, FEEDS, LIQUIDITY_SPECS, PARAMS, bearer, buildLiquidity } from './harness'

// A revised dataset: the demo feeds, each point known one day after its event time (as macro
// releases are), then the TGA of the last 30 days revised up by half, known only now. The history
// evaluated "as known at each instant" must not see those revisions, nor any point before it was
// known; "as known now" must.
const DAYS = 120
const NOW = Date.now()
const T0 = Math.floor(NOW / MINUTE_MS) * MINUTE_MS
const LAG_MS = DAY_MS
const TGA = 'macro/us/tga_balance_usd'
const READ = bearer('oracle.reader')
let store: StoreHarness
let liquidity: { app: ZodApp }
const original: PublishPoint[] = []

const get = (url: string) => liquidity.app.inject({ method: 'GET', url: `${API}${url}`, headers: READ })
const q = (params: Record<string, string>) => new URLSearchParams(params).toString()

beforeAll(async () => {
  store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  const publisher = createFeatureStoreClient({ baseUrl: storeUrl, token: storeToken({ sub: 'demo', scope: 'oracle.publisher' }), timeoutMs: 30_000 })
  const knownLater = (points: PublishPoint[]) => points.map((point) => ({ ...point, known_at: toIso(Math.min(Date.parse(point.ts) + LAG_MS, NOW)) }))
  const totals = await backfill({
    specs: LIQUIDITY_SPECS,
    adapter: createMockAdapter(),
    publish: (points) => {
      original.push(...knownLater(points))
      return publisher.publish(knownLater(points))
    },
    days: DAYS,
    now: NOW,
  })
  expect(totals.rejected).toBe(0)
  const revised = original.filter((point) => point.featureId === TGA && Date.parse(point.ts) > NOW - 30 * DAY_MS).map(({ known_at: _known, ...point }) => ({ ...point, value: point.value * 1.5 }))
  expect(revised.length).toBeGreaterThan(15)
  expect((await publisher.publish(revised)).rejected).toBe(0)
  liquidity = await buildLiquidity({ storeUrl, now: () => NOW })
}, 120_000)
afterAll(async () => {
  await liquidity?.app.close()
  await store?.close()
})

/** The published points as known at `instant` (revisions excluded: they became known after NOW). */
function knownAt(instant: number): EvaluationData {
  const series = new Map<string, FeedSeries>()
  for (const spec of LIQUIDITY_SPECS) {
    const points = original.filter((point) => point.featureId === spec.id && Date.parse(point.known_at as string) <= instant)
    series.set(spec.id, toSeries(points.map((point) => ({ ts: Date.parse(point.ts), value: point.value }))))
  }
  return { series, ttlMs: new Map(LIQUIDITY_SPECS.map((spec) => [spec.id, spec.ttl_ms])) }
}

describe('GET /regime/history?knowledge=', () => {
  const window = { since: toIso(T0 - 60 * DAY_MS), until: toIso(T0) }

  it('each: every instant is evaluated on exactly what was known then, with no lookahead', async () => {
    const response = await get(`/regime/history?${q({ ...window, knowledge: 'each' })}`)
    expect(response.statusCode).toBe(200)
    const history: RegimeOutput[] = response.json()
    expect(history).toHaveLength(61)
    for (const output of history.filter((_, k) => k % 10 === 0 || k === 60)) {
      const instant = Date.parse(output.updated_at)
      const [expected] = evaluateInstants(FEEDS, PARAMS, knownAt(instant), [instant])
      expect(output).toEqual(expected)
    }
  })

  it('differs from knowledge=now (the default), which sees the revisions and every lagged point', async () => {
    const each: RegimeOutput[] = (await get(`/regime/history?${q({ ...window, knowledge: 'each' })}`)).json()
    const now: RegimeOutput[] = (await get(`/regime/history?${q(window)}`)).json()
    expect((await get(`/regime/history?${q({ ...window, knowledge: 'now' })}`)).json()).toEqual(now)
    const revisedSpan = (output: RegimeOutput) => Date.parse(output.updated_at) > NOW - 29 * DAY_MS
    const tga = (output: RegimeOutput) => output.signals.find((signal) => signal.featureId === TGA)?.value
    for (let k = 0; k < now.length; k++) {
      if (revisedSpan(now[k] as RegimeOutput)) expect(tga(now[k] as RegimeOutput)).not.toBe(tga(each[k] as RegimeOutput))
    }
    expect(now.map((output) => output.score)).not.toEqual(each.map((output) => output.score))
  })

  it('asOf with knowledge=now evaluates the whole history on the data known at that instant', async () => {
    const before: RegimeOutput[] = (await get(`/regime/history?${q({ ...window, asOf: toIso(T0) })}`)).json()
    const each: RegimeOutput[] = (await get(`/regime/history?${q({ ...window, knowledge: 'each' })}`)).json()
    // At T0 (before the revisions were published) both read the same knowledge.
    expect(before.at(-1)).toEqual(each.at(-1))
    const [expected] = evaluateInstants(FEEDS, PARAMS, knownAt(T0), [T0 - 20 * DAY_MS])
    expect(before[40]).toEqual(expected)
  })

  it('refuses asOf with knowledge=each, and an unknown knowledge, naming the parameter', async () => {
    const both = await get(`/regime/history?${q({ ...window, knowledge: 'each', asOf: toIso(T0) })}`)
    expect(both.statusCode).toBe(400)
    expect(both.json().message).toContain('asOf')
    const bad = await get(`/regime/history?${q({ ...window, knowledge: 'later' })}`)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('knowledge')
  })
})

describe('GET /regime/latest?knowledge=', () => {
  it('each at a past instant answers what the Semáforo said then; now re-evaluates it with hindsight', async () => {
    const instant = T0 - 10 * DAY_MS
    const each = (await get(`/regime/latest?${q({ asOf: toIso(instant), knowledge: 'each' })}`)).json()
    const [expected] = evaluateInstants(FEEDS, PARAMS, knownAt(instant), [instant])
    expect(each).toEqual(expected)
    const hindsight = (await get(`/regime/latest?${q({ asOf: toIso(instant) })}`)).json()
    expect(hindsight.signals.find((signal: { featureId: string }) => signal.featureId === TGA).value).not.toBe(each.signals.find((signal: { featureId: string }) => signal.featureId === TGA).value)
  })
})
