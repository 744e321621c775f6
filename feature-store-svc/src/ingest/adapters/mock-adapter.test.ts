import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FeatureSpecInputSchema, PublishPointSchema, type FeatureSpec, type Frequency } from '@lav/shared/contracts'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'
import { createMockAdapter, gridInstants, mockValue } from './mock-adapter'

const catalogUrl = new URL('../../../registry/features.catalog.json', import.meta.url)
const catalog: FeatureSpec[] = (JSON.parse(readFileSync(catalogUrl, 'utf8')) as unknown[]).map((entry) => ({
  ...FeatureSpecInputSchema.parse(entry),
  version: 1,
}))

const NOW = Date.parse('2025-10-20T12:34:56Z')
const adapter = createMockAdapter({ now: () => NOW })
const at = (iso: string): number => Date.parse(iso)

function specOf(id: string): FeatureSpec {
  const spec = catalog.find((candidate) => candidate.id === id)
  if (!spec) throw new Error(`catalog lacks ${id}`)
  return spec
}

function syntheticSpec(frequency: Frequency, expected_range?: [number, number]): FeatureSpec {
  return {
    id: `test/mock/${frequency}`,
    entity: 'market',
    description: 'synthetic',
    unit: 'index',
    frequency,
    ttl_ms: HOUR_MS,
    tags: [],
    source: { id: 'mock', class: 'derived', schema: 'mock_v1' },
    quality: expected_range ? { expected_range } : undefined,
    active: true,
    version: 1,
  }
}

describe('mock adapter determinism', () => {
  const spec = specOf('cex/agg/perp_oi_usd')

  it('gives identical points on repeated calls and from separate adapters', async () => {
    const first = await adapter.load(spec, NOW - 3 * DAY_MS, NOW)
    const again = await adapter.load(spec, NOW - 3 * DAY_MS, NOW)
    const other = await createMockAdapter({ now: () => 0 }).load(spec, NOW - 3 * DAY_MS, NOW)
    expect(again).toEqual(first)
    expect(other).toEqual(first)
  })

  it('gives the same value at a ts whatever window it is loaded in', async () => {
    const wide = await adapter.load(spec, NOW - 10 * DAY_MS, NOW)
    const narrow = await adapter.load(spec, NOW - 2 * DAY_MS - 17 * 60_000, NOW - DAY_MS)
    const wideByTs = new Map(wide.map((point) => [point.ts, point.value]))
    expect(narrow.length).toBe(24) // hours in [10-18T12:17:56Z, 10-19T12:34:56Z]: 13:00 … 12:00 the next day
    for (const point of narrow) expect(point.value).toBe(wideByTs.get(point.ts))
  })

  it('differs between features', () => {
    const ts = at('2025-10-20T00:00:00Z')
    expect(mockValue(specOf('crypto/etf/btc_net_flow_usd'), ts)).not.toBe(mockValue(specOf('crypto/etf/eth_net_flow_usd'), ts))
  })
})

describe('mock adapter grid', () => {
  const isoOf = (points: Array<{ ts: string }>): string[] => points.map((point) => point.ts)

  it('puts hourly points on the hour, both ends inclusive', async () => {
    const points = await adapter.load(specOf('cex/agg/spot_depth_2pct_usd'), at('2025-10-20T10:30:00Z'), at('2025-10-20T13:00:00Z'))
    expect(isoOf(points)).toEqual(['2025-10-20T11:00:00.000Z', '2025-10-20T12:00:00.000Z', '2025-10-20T13:00:00.000Z'])
  })

  it('puts daily points at 00:00Z', async () => {
    const points = await adapter.load(specOf('macro/us/tga_balance_usd'), at('2025-10-18T06:00:00Z'), at('2025-10-20T23:59:59Z'))
    expect(isoOf(points)).toEqual(['2025-10-19T00:00:00.000Z', '2025-10-20T00:00:00.000Z'])
  })

  it('puts weekly points on Wednesdays at 00:00Z', async () => {
    const points = await adapter.load(specOf('macro/us/walcl_total_usd'), at('2025-10-01T00:00:00Z'), at('2025-10-20T00:00:00Z'))
    // 2025-10-01, 10-08 and 10-15 are Wednesdays.
    expect(isoOf(points)).toEqual(['2025-10-01T00:00:00.000Z', '2025-10-08T00:00:00.000Z', '2025-10-15T00:00:00.000Z'])
    const yearOfWeeks = gridInstants('1w', at('2025-01-01T00:00:00Z'), at('2025-12-31T00:00:00Z'))
    for (const ts of yearOfWeeks) expect(new Date(ts).getUTCDay()).toBe(3)
  })

  it('puts 1m, 5m and tick points on their minute grid', async () => {
    const since = at('2025-10-20T10:02:30Z')
    const until = at('2025-10-20T10:12:00Z')
    expect(isoOf(await adapter.load(syntheticSpec('5m'), since, until))).toEqual([
      '2025-10-20T10:05:00.000Z',
      '2025-10-20T10:10:00.000Z',
    ])
    const minutes = await adapter.load(syntheticSpec('1m'), since, until)
    expect(minutes.length).toBe(10) // 10:03 … 10:12
    expect(minutes[0]?.ts).toBe('2025-10-20T10:03:00.000Z')
    expect(isoOf(await adapter.load(syntheticSpec('tick'), since, until))).toEqual(isoOf(minutes))
  })

  it('defaults to the seven days up to now', async () => {
    // NOW is 2025-10-20T12:34:56Z: daily points of 10-14 … 10-20.
    const points = await adapter.load(specOf('macro/us/rrp_total_usd'))
    expect(points.length).toBe(7)
    expect(points[0]?.ts).toBe('2025-10-14T00:00:00.000Z')
    expect(points[6]?.ts).toBe('2025-10-20T00:00:00.000Z')
  })

  it('returns nothing when since is after until', async () => {
    expect(await adapter.load(specOf('macro/us/rrp_total_usd'), NOW, NOW - DAY_MS)).toEqual([])
  })
})

describe('mock adapter values', () => {
  const since = NOW - 120 * DAY_MS

  it('keeps every catalog feature strictly inside its expected range over 120 days', async () => {
    for (const spec of catalog) {
      const [low, high] = spec.quality?.expected_range as [number, number]
      const values = (await adapter.load(spec, since, NOW)).map((point) => point.value)
      expect(values.length, spec.id).toBeGreaterThan(0)
      expect(Math.min(...values), spec.id).toBeGreaterThan(low)
      expect(Math.max(...values), spec.id).toBeLessThan(high)
    }
  })

  it('gives USD flows both signs', async () => {
    for (const id of ['crypto/etf/btc_net_flow_usd', 'crypto/etf/eth_net_flow_usd']) {
      const values = (await adapter.load(specOf(id), since, NOW)).map((point) => point.value)
      expect(values.some((value) => value > 0), id).toBe(true)
      expect(values.some((value) => value < 0), id).toBe(true)
    }
  })

  it('moves smoothly: hour to hour within a tenth of the half-range', async () => {
    const values = (await adapter.load(specOf('cex/btc/perp_funding_rate_8h'), since, NOW)).map((point) => point.value)
    const halfRange = 0.05
    for (let index = 1; index < values.length; index++) {
      expect(Math.abs((values[index] as number) - (values[index - 1] as number))).toBeLessThan(0.1 * halfRange)
    }
  })

  it('gives a positive level to a feature without a range', async () => {
    const points = await adapter.load(syntheticSpec('1h'), since, NOW)
    for (const point of points) expect(point.value).toBeGreaterThan(0)
  })

  it('emits publishable points with confidence 1 and mock evidence', async () => {
    const [point] = await adapter.load(specOf('macro/us/walcl_total_usd'), NOW - 14 * DAY_MS, NOW)
    expect(PublishPointSchema.safeParse(point).success).toBe(true)
    expect(point).toMatchObject({
      featureId: 'macro/us/walcl_total_usd',
      confidence: 1,
      evidence: [{ source: 'mock', ref: 'mock://macro/us/walcl_total_usd' }],
    })
  })
})

describe('mock adapter liquidity cycle', () => {
  const daily = (id: string, days = 90) => Array.from({ length: days }, (_, d) => mockValue(specOf(id), NOW - d * DAY_MS))
  const correlation = (a: number[], b: number[]) => {
    const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length
    const [ma, mb] = [mean(a), mean(b)]
    const cov = a.reduce((sum, x, i) => sum + (x - ma) * ((b[i] as number) - mb), 0)
    const sd = (xs: number[], m: number) => Math.sqrt(xs.reduce((sum, x) => sum + (x - m) ** 2, 0))
    return cov / (sd(a, ma) * sd(b, mb))
  }

  it('moves the nine liquidity feeds together, TGA and RRP against the rest', () => {
    const walcl = daily('macro/us/walcl_total_usd').map(Math.log)
    for (const id of ['crypto/etf/btc_net_flow_usd', 'crypto/stables/mcap_total_usd_yoy', 'cex/agg/spot_depth_2pct_usd', 'dex/agg/active_liquidity_usd']) {
      expect(correlation(walcl, daily(id)), id).toBeGreaterThan(0.5)
    }
    for (const id of ['macro/us/tga_balance_usd', 'macro/us/rrp_total_usd']) expect(correlation(walcl, daily(id)), id).toBeLessThan(-0.5)
  })

  it('takes 7-day ETF flow sums and stablecoin yoy through zero within 90 days', () => {
    const flows = daily('crypto/etf/btc_net_flow_usd', 97).map((value, d) => value + (daily('crypto/etf/eth_net_flow_usd', 97)[d] as number))
    const weekly = Array.from({ length: 90 }, (_, d) => flows.slice(d, d + 7).reduce((sum, value) => sum + value, 0))
    expect(Math.min(...weekly)).toBeLessThan(0)
    expect(Math.max(...weekly)).toBeGreaterThan(0)
    const yoy = daily('crypto/stables/mcap_total_usd_yoy')
    expect(Math.min(...yoy)).toBeLessThan(0)
    expect(Math.max(...yoy)).toBeGreaterThan(0)
  })
})
