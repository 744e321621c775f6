import type { FeatureSpec } from '@lav/shared/contracts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../src/ingest/adapters/source-http'
import { createRealSources } from '../src/ingest/real-sources'
import { createResilientLoader } from '../src/ingest/resilient-loader'
import { loadSourcesConfig } from '../src/ingest/sources-config'
import { fixtureText } from './source-fixtures'
import { sourcesEnvFor, startFixtureServer, type FixtureAnswer, type FixtureRequest, type FixtureServer } from './source-fixture-server'
import { sourceRoutes } from './source-routes'

const FRED_KEY = 'abcdef0123456789abcdef0123456789'
const SOSO_KEY = 'soso-secret-key-42'
const NOW = Date.parse('2025-01-10T12:34:00Z')
const HOUR = Date.parse('2025-01-10T12:00:00Z')
const spec = (id: string) => ({ id }) as FeatureSpec

let server: FixtureServer
// A test may answer some requests itself before the recorded fixtures do.
let override: (request: FixtureRequest) => FixtureAnswer | undefined = () => undefined
const sleeps: number[] = []

const sources = (extra: Record<string, string> = {}) =>
  createRealSources(loadSourcesConfig(sourcesEnvFor(server.url, { FRED_API_KEY: FRED_KEY, SOSOVALUE_API_KEY: SOSO_KEY, SOURCE_RETRY_AFTER_MAX_MS: '5000', ...extra })), {
    now: () => NOW,
    sleep: async (ms) => sleeps.push(ms),
  })
const failure = (promise: Promise<unknown>) => promise.then(() => new Error('expected a failure'), (error: Error) => error)

beforeAll(async () => {
  server = await startFixtureServer((request) => override(request) ?? sourceRoutes(request))
})
afterEach(() => {
  override = () => undefined
  server.requests.length = 0
  sleeps.length = 0
})
afterAll(async () => {
  await server.close()
})

describe('FRED', () => {
  it('follows offset pages, skips ".", converts millions to USD and keeps evidence', async () => {
    const points = await sources().adapters.fred.load(spec('macro/us/walcl_total_usd'), Date.parse('2024-12-01'), Date.parse('2025-01-16'))
    // No realtime_start or known_at: without a real-time period it is only the request's day.
    expect(points.map(({ ts, value, meta, known_at }) => [ts, value, meta, known_at])).toEqual([
      ['2024-12-25T00:00:00.000Z', 6_886_378_000_000, undefined, undefined],
      ['2025-01-01T00:00:00.000Z', 6_853_155_000_000, undefined, undefined],
      ['2025-01-08T00:00:00.000Z', 6_869_232_000_000, undefined, undefined],
    ])
    expect(server.to('/series/observations').map((request) => request.url.searchParams.get('offset'))).toEqual(['0', '2'])
    const [evidence] = points[2]!.evidence!
    expect(evidence).toEqual({ source: 'fred:WALCL', ref: expect.stringContaining('series_id=WALCL'), hash: sha256(fixtureText('fred-walcl-page2.json')), fetched_at: new Date(NOW).toISOString() })
    expect(evidence!.ref).toContain('offset=2')
    expect(JSON.stringify(points)).not.toContain(FRED_KEY)
    expect(JSON.stringify(points)).not.toContain('api_key')
  })

  it('converts RRPONTSYD from billions and treats "" and "." as missing', async () => {
    const points = await sources().adapters.fred.load(spec('macro/us/rrp_total_usd'), Date.parse('2025-01-06'), NOW)
    expect(points.map(({ value }) => value)).toEqual([140_241_000_000, 139_806_000_000, 98_657_000_000])
  })

  it('waits out a 429 within the Retry-After bound, and fails (retryably) past it', async () => {
    let calls = 0
    override = (request) => (request.url.pathname.endsWith('/observations') && calls++ === 0 ? { status: 429, fixture: 'fred-error-429.json', headers: { 'retry-after': '2' } } : undefined)
    expect(await sources().adapters.fred.load(spec('macro/us/rrp_total_usd'), Date.parse('2025-01-06'), NOW)).toHaveLength(3)
    expect(sleeps).toEqual([2000])
    override = () => ({ status: 429, fixture: 'fred-error-429.json', headers: { 'retry-after': '120' } })
    const error = await failure(sources().adapters.fred.load(spec('macro/us/rrp_total_usd')))
    expect(error.message).toMatch(/^fred: HTTP 429 rate limited \(Retry-After 120 s, bound 5000 ms\)/)
    expect(error).toMatchObject({ source: 'fred', transient: true })
  })

  it('retries a 5xx through the resilient loader; a 400 is not retried; neither message holds the key', async () => {
    let calls = 0
    // A server that echoes the request URL: the key must still not come back in a message.
    override = (request) => (calls++ === 0 ? { status: 503, body: `upstream busy: ${request.url.search}` } : undefined)
    const loader = createResilientLoader(sources().adapters.fred, { initialDelayMs: 1, maxDelayMs: 2 })
    expect(await loader.load(spec('macro/us/rrp_total_usd'), Date.parse('2025-01-06'), NOW)).toHaveLength(3)
    expect(calls).toBe(2)

    calls = 0
    override = (request) => (calls++, { status: 400, body: `${fixtureText('fred-error-400.json')} ${request.url.search}` })
    const error = await failure(loader.load(spec('macro/us/walcl_total_usd')))
    expect(calls).toBe(1)
    expect(error.message).toMatch(/^fred: HTTP 400 for http:\/\/127\.0\.0\.1:\d+\/fred\/fred\/series\/observations\?series_id=WALCL.*The series does not exist/)
    expect(error.message).toContain('[redacted]')
    expect(error.message).not.toContain(FRED_KEY)
  })

  it('refuses a truncated body, and a connection cut mid-body, naming the source', async () => {
    override = () => ({ fixture: 'truncated-body.json' })
    expect((await failure(sources().adapters.fred.load(spec('macro/us/walcl_total_usd')))).message).toMatch(/^fred: response body is not valid JSON \(\d+ bytes, truncated\?\)/)
    override = () => ({ fixture: 'fred-walcl-page1.json', cut: true })
    const cut = await failure(sources().adapters.fred.load(spec('macro/us/walcl_total_usd')))
    expect(cut.message).toMatch(/^fred: connection failed/)
    expect(cut.message).not.toContain(FRED_KEY)
  })

  it('serves the TGA from the DTS by default and from WDTGAL (millions) with TGA_SOURCE=fred', async () => {
    const tga = spec('macro/us/tga_balance_usd')
    expect(sources().adapterFor(tga)?.name).toBe('treasury')
    const real = sources({ TGA_SOURCE: 'fred' })
    expect(real.adapterFor(tga)?.name).toBe('fred')
    const wdtgal = { count: 1, offset: 0, observations: [{ realtime_start: '2025-01-09', realtime_end: '9999-12-31', date: '2025-01-08', value: '768942' }] }
    override = (request) => (request.url.searchParams.get('series_id') === 'WDTGAL' ? { body: JSON.stringify(wdtgal) } : undefined)
    expect((await real.adapters.fred.load(tga, Date.parse('2025-01-01'), NOW)).map(({ value }) => value)).toEqual([768_942_000_000])
  })

  it('refuses to run without FRED_API_KEY', async () => {
    const real = createRealSources(loadSourcesConfig(sourcesEnvFor(server.url)))
    expect((await failure(real.adapters.fred.load(spec('macro/us/walcl_total_usd')))).message).toBe('fred:WALCL: FRED_API_KEY is not set')
  })
})

describe('Treasury DTS', () => {
  it('follows page[number] while links.next is set and reads each era from its own row and column', async () => {
    const points = await sources().adapters.treasury.load(spec('macro/us/tga_balance_usd'), Date.parse('2021-09-01'), NOW)
    expect(points.map(({ ts, value }) => [ts.slice(0, 10), value])).toEqual([
      ['2021-09-30', 215_189_000_000],
      ['2021-10-01', 174_313_000_000],
      ['2022-04-18', 958_347_000_000],
      ['2025-01-08', 768_942_000_000],
    ])
    const pages = server.to('/operating_cash_balance').map((request) => request.url.searchParams)
    expect(pages.map((query) => query.get('page[number]'))).toEqual(['1', '2'])
    expect(pages[0]?.get('filter')).toBe('record_date:gte:2021-09-01,record_date:lte:2025-01-10')
    expect(points[3]?.evidence?.[0]).toMatchObject({ source: 'treasury:dts_operating_cash', hash: sha256(fixtureText('treasury-dts-page2.json')) })
  })
})

describe('DefiLlama', () => {
  it('derives the stablecoin YoY ratio and the USD supply from stablecoincharts/all', async () => {
    const real = sources()
    const [yoy] = await real.adapters['defillama-stablecoins'].load(spec('crypto/stables/mcap_total_usd_yoy'), Date.parse('2024-12-01'), NOW)
    expect(yoy).toMatchObject({ ts: '2025-01-01T00:00:00.000Z', meta: { level_usd: 205_400_000_000, base_level_usd: 130_000_000_000 } })
    expect(yoy?.value).toBeCloseTo(0.58, 10)
    const supply = await real.adapters['defillama-stablecoins'].load(spec('crypto/stables/supply_total_usd'), Date.parse('2025-01-01'), NOW)
    expect(supply.map(({ value }) => value)).toEqual([205_400_000_000, 206_000_000_000, 206_500_000_000])
  })

  it('sums DEX tvl as a snapshot at the hour of the fetch, and loads nothing for a past window', async () => {
    const dex = sources().adapters['defillama-protocols']
    expect(await dex.load(spec('dex/agg/active_liquidity_usd'))).toMatchObject([{ ts: new Date(HOUR).toISOString(), value: 4_450_000_000.5, meta: { protocols: 2 } }])
    expect(await dex.load(spec('dex/agg/active_liquidity_usd'), 0, HOUR - 1)).toEqual([])
  })
})

describe('SoSoValue ETF flows', () => {
  it('posts the ETF type with the key header, reads both envelopes, and keeps the key out of evidence', async () => {
    const real = sources()
    const btc = await real.adapters.sosovalue.load(spec('crypto/etf/btc_net_flow_usd'), Date.parse('2025-02-01'), Date.parse('2025-03-01'))
    expect(btc.map(({ value }) => value)).toEqual([-62_000_000, -516_400_000, -1_013_890_000])
    const eth = await real.adapters.sosovalue.load(spec('crypto/etf/eth_net_flow_usd'), Date.parse('2025-02-01'), Date.parse('2025-03-01'))
    expect(eth.map(({ value }) => value)).toEqual([-78_070_000, -50_150_000])
    const [first, second] = server.to('/historicalInflowChart')
    expect([first?.method, JSON.parse(first!.body), first?.headers['x-soso-api-key']]).toEqual(['POST', { type: 'us-btc-spot' }, SOSO_KEY])
    expect(JSON.parse(second!.body)).toEqual({ type: 'us-eth-spot' })
    expect(JSON.stringify([btc, eth])).not.toContain(SOSO_KEY)
  })

  it('refuses code ≠ 0 with its msg, without retrying', async () => {
    override = () => ({ fixture: 'sosovalue-error.json' })
    const loader = createResilientLoader(sources().adapters.sosovalue, { initialDelayMs: 1 })
    expect((await failure(loader.load(spec('crypto/etf/btc_net_flow_usd')))).message).toBe('sosovalue:historicalInflowChart: code 40001: invalid api key')
    expect(server.to('/historicalInflowChart')).toHaveLength(1)
  })
})

describe('CEX depth and open interest', () => {
  it('sums ±2 % depth of BTC and ETH over the four venues at the hour of the fetch', async () => {
    const [point] = await sources().adapters['cex-depth'].load(spec('cex/agg/spot_depth_2pct_usd'))
    // Each venue: 58.2 M (BTC) + 18 M (ETH).
    expect(point).toMatchObject({ ts: new Date(HOUR).toISOString(), value: 4 * 76_200_000, confidence: 1 })
    expect(point?.evidence?.map(({ source }) => source)).toEqual([
      'binance:depth:BTCUSDT', 'binance:depth:ETHUSDT', 'coinbase:depth:BTC-USD', 'coinbase:depth:ETH-USD',
      'okx:depth:BTC-USDT', 'okx:depth:ETH-USDT', 'kraken:depth:XBTUSD', 'kraken:depth:ETHUSD',
    ])
  })

  it('flags a truncated book, and refuses a venue answering 451', async () => {
    override = (request) => (request.url.searchParams.get('symbol') === 'BTCUSDT' && request.url.pathname.endsWith('/depth') ? { fixture: 'binance-depth-truncated.json' } : undefined)
    const [point] = await sources({ CEX_DEPTH_VENUES: 'binance' }).adapters['cex-depth'].load(spec('cex/agg/spot_depth_2pct_usd'))
    expect(point).toMatchObject({ value: 76_200_000, confidence: 0.5, meta: { truncated: ['binance:BTCUSDT'] } })
    override = () => ({ status: 451, fixture: 'binance-451.json' })
    const error = await failure(sources({ CEX_DEPTH_VENUES: 'binance' }).adapters['cex-depth'].load(spec('cex/agg/spot_depth_2pct_usd')))
    expect(error.message).toMatch(/^binance: HTTP 451 for .*restricted location/)
    expect(error).toMatchObject({ transient: false })
  })

  it('sums Binance BTC + ETH open interest in USD for the hours both report', async () => {
    const points = await sources().adapters['binance-futures'].load(spec('cex/agg/perp_oi_usd'), Date.parse('2025-01-07'), NOW)
    expect(points.map(({ ts, value }) => [ts, value])).toEqual([
      ['2025-01-08T00:00:00.000Z', 12_871_975_232.62],
      ['2025-01-08T01:00:00.000Z', 12_910_000_000],
    ])
    expect(server.to('/openInterestHist')[0]?.url.searchParams.get('period')).toBe('1h')
  })
})
