import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runSourceBackfill, startShadowFeed } from '../src/ingest/source-runs'
import { loadSourcesConfig } from '../src/ingest/sources-config'
import { signToken, startStore, TEST_AUTH, type StoreHarness } from './harness'
import { sourcesEnvFor, startFixtureServer, type FixtureServer } from './source-fixture-server'
import { sourceRoutes } from './source-routes'

const FRED_KEY = 'fedcba9876543210fedcba9876543210'
const NOW = Date.parse('2025-01-10T12:34:00Z')
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WALCL = 'macro/us/walcl_total_usd'
const RRP = 'macro/us/rrp_total_usd'

let store: StoreHarness
let storeUrl: string
let sources: FixtureServer

beforeAll(async () => {
  store = await startStore()
  storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  sources = await startFixtureServer((request) => {
    // RRPONTSYD fails with an answer echoing the request, key included: logs must still not show it.
    if (request.url.searchParams.get('series_id') === 'RRPONTSYD' && request.url.searchParams.get('observation_start') === '2025-01-03') {
      return { status: 500, body: `internal error for ${request.url.search}` }
    }
    return sourceRoutes(request)
  })
})
afterAll(async () => {
  await sources?.close()
  await store?.close()
})

const rowsOf = (featureId: string) =>
  store.sql<{ ts: Date; value: number; meta: Record<string, unknown> | null; evidence: unknown }[]>`
    select ts, value, meta, evidence from features_values where feature_id = ${featureId} order by ts`

describe('npm run backfill -- --source fred', () => {
  it('loads FRED history through the adapters and publishes it to the running store', async () => {
    const config = loadSourcesConfig(sourcesEnvFor(sources.url, { FRED_API_KEY: FRED_KEY }))
    const totals = await runSourceBackfill({
      baseUrl: storeUrl, token: signToken({ sub: 'backfill', scope: 'oracle.publisher' }), source: 'fred', since: Date.parse('2024-12-01'), until: Date.parse('2025-01-16'), sources: config,
    })
    // WALCL 3, RRPONTSYD 3; the other FRED features (HY OAS, DGS10) have no observations here.
    expect(totals).toEqual({ features: 4, points: 6, accepted: 6, rejected: 0 })
    const walcl = await rowsOf(WALCL)
    expect(walcl.map(({ value }) => Number(value))).toEqual([6_886_378_000_000, 6_853_155_000_000, 6_869_232_000_000])
    expect(walcl[2]?.meta).toBeNull()
    expect(walcl[2]?.evidence).toEqual([expect.objectContaining({ source: 'fred:WALCL', hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })])
    const leaks = await store.sql`select 1 from features_values where evidence::text like ${`%${FRED_KEY}%`} or evidence::text like '%api_key%'`
    expect(leaks).toHaveLength(0)
  })

  it('runs as the CLI: parses --source and --since, prints the totals, never the key', async () => {
    const env = { ...process.env, ...sourcesEnvFor(sources.url, { FRED_API_KEY: FRED_KEY }), JWT_SECRET: TEST_AUTH.secret as string }
    const run = spawn(process.execPath, ['--import', 'tsx', 'scripts/backfill.ts', '--source', 'fred', '--since', '2024-12-20', '--until', '2025-01-16', '--url', storeUrl], { cwd: ROOT, env })
    let output = ''
    run.stdout.on('data', (data: Buffer) => (output += data.toString()))
    run.stderr.on('data', (data: Buffer) => (output += data.toString()))
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve))
    expect(output).toContain('backfilled 4 features: 6 points, 6 accepted, 0 rejected')
    expect(output).not.toContain(FRED_KEY)
    expect(code).toBe(0)

    const unknown = spawn(process.execPath, ['--import', 'tsx', 'scripts/backfill.ts', '--source', 'farside', '--since', '2024-12-20'], { cwd: ROOT, env })
    let refusal = ''
    unknown.stderr.on('data', (data: Buffer) => (refusal += data.toString()))
    expect(await new Promise((resolve) => unknown.on('close', resolve))).toBe(2)
    expect(refusal).toContain('unknown --source "farside"')
  })
})

describe('ORACLE_SOURCE_MODE=shadow', () => {
  it('polls each real source on its cadence and publishes with evidence; a failing source is logged without its key', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(chunk.toString()), done()) }))
    const config = loadSourcesConfig(sourcesEnvFor(sources.url, { ORACLE_SOURCE_MODE: 'shadow', FRED_API_KEY: FRED_KEY, SOSOVALUE_API_KEY: 'soso-key', CEX_DEPTH_VENUES: 'kraken,okx' }))
    const feed = await startShadowFeed({
      baseUrl: storeUrl, tokenProvider: () => signToken({ sub: 'shadow', scope: 'oracle.publisher' }), sources: config, log: logger, deps: { now: () => NOW }, now: () => NOW,
    })
    feed.stop()
    await feed.tick() // not due again: polls run once per cadence
    await expect.poll(() => lines.filter((line) => line.includes('shadow: source failed')).length, { timeout: 10_000 }).toBeGreaterThan(0)
    await expect.poll(() => lines.filter((line) => line.includes('shadow: published')).length, { timeout: 10_000 }).toBe(feed.features.length - 1)

    expect(feed.features).toEqual(expect.arrayContaining([WALCL, RRP, 'macro/us/tga_balance_usd', 'cex/agg/spot_depth_2pct_usd', 'dex/agg/active_liquidity_usd']))
    expect(feed.features).not.toContain('crypto/btc/spot_price_usd')
    const tga = await rowsOf('macro/us/tga_balance_usd')
    expect(tga.map(({ ts, value }) => [ts.toISOString(), Number(value)])).toEqual([['2025-01-08T00:00:00.000Z', 768_942_000_000]])
    const [depth] = await rowsOf('cex/agg/spot_depth_2pct_usd')
    expect([depth?.ts.toISOString(), Number(depth?.value)]).toEqual(['2025-01-10T12:00:00.000Z', 2 * 76_200_000])
    const [dex] = await rowsOf('dex/agg/active_liquidity_usd')
    expect(dex?.evidence).toEqual([{ source: 'defillama:protocols', ref: `${sources.url}/defillama_api/protocols`, hash: expect.stringMatching(/^sha256:/), fetched_at: new Date(NOW).toISOString() }])

    const failed = lines.find((line) => line.includes('shadow: source failed')) as string
    expect(JSON.parse(failed)).toMatchObject({ featureId: RRP, source: 'fred', error: expect.stringContaining('HTTP 500') })
    expect(failed).toContain('[redacted]')
    expect(lines.join('\n')).not.toContain(FRED_KEY)
    expect(lines.join('\n')).not.toContain('soso-key')
  })
})
