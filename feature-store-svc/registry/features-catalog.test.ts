import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FeatureSpecInputSchema, type FeatureSpecInput } from '@lav/shared/contracts'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'

const catalog: unknown[] = JSON.parse(readFileSync(new URL('./features.catalog.json', import.meta.url), 'utf8'))
const specs = catalog.map((entry) => FeatureSpecInputSchema.parse(entry))
const byId = new Map<string, FeatureSpecInput>(specs.map((spec) => [spec.id, spec]))

// The nine feeds of the liquidity method (liquidity-method.md), with the contract the
// liquidity service relies on: units, frequencies, staleness thresholds and plausible ranges.
const LIQUIDITY_FEEDS: Array<[id: string, unit: string, frequency: string, ttlMs: number, range: [number, number], component: string]> = [
  ['macro/us/walcl_total_usd', 'USD', '1w', 8 * DAY_MS, [4e12, 1e13], 'gl'],
  ['macro/us/tga_balance_usd', 'USD', '1d', 4 * DAY_MS, [2e10, 2e12], 'gl'],
  ['macro/us/rrp_total_usd', 'USD', '1d', 4 * DAY_MS, [0, 2.6e12], 'gl'],
  ['crypto/etf/btc_net_flow_usd', 'USD', '1d', 4 * DAY_MS, [-3e9, 3e9], 'cn'],
  ['crypto/etf/eth_net_flow_usd', 'USD', '1d', 4 * DAY_MS, [-2.5e9, 2.5e9], 'cn'],
  ['crypto/stables/mcap_total_usd_yoy', 'ratio', '1d', 2 * DAY_MS, [-0.6, 2.0], 'cn'],
  ['cex/agg/spot_depth_2pct_usd', 'USD', '1h', 2 * HOUR_MS, [2e7, 2e10], 'mp'],
  ['cex/agg/perp_oi_usd', 'USD', '1h', 2 * HOUR_MS, [2e9, 2e11], 'mp'],
  ['dex/agg/active_liquidity_usd', 'USD', '1h', 2 * HOUR_MS, [3e9, 1e11], 'mp'],
]

describe('registry/features.catalog.json', () => {
  it('is an array of at least 22 valid FeatureSpec inputs without a version', () => {
    expect(Array.isArray(catalog)).toBe(true)
    expect(catalog.length).toBeGreaterThanOrEqual(22)
    for (const entry of catalog) {
      const result = FeatureSpecInputSchema.safeParse(entry)
      expect(result.success, `${JSON.stringify(entry).slice(0, 80)}: ${result.error?.message}`).toBe(true)
      expect(entry).not.toHaveProperty('version')
    }
  })

  it('has unique ids', () => {
    expect(byId.size).toBe(specs.length)
  })

  it.each(LIQUIDITY_FEEDS)('holds %s exactly as the liquidity method needs it', (id, unit, frequency, ttlMs, range, component) => {
    const spec = byId.get(id)
    expect(spec, id).toBeDefined()
    expect(spec?.unit).toBe(unit)
    expect(spec?.frequency).toBe(frequency)
    expect(spec?.ttl_ms).toBe(ttlMs)
    expect(spec?.quality?.expected_range).toEqual(range)
    expect(spec?.active).toBe(true)
    expect(spec?.tags).toEqual(expect.arrayContaining(['liquidity', component]))
  })

  it('lists every feature active, with a range and no frequency finer than 1h', () => {
    for (const spec of specs) {
      expect(spec.active, spec.id).toBe(true)
      expect(['1h', '1d', '1w'], spec.id).toContain(spec.frequency)
      const [low, high] = spec.quality?.expected_range ?? [Number.NaN, Number.NaN]
      expect(low, spec.id).toBeLessThan(high)
    }
  })

  it('covers what a crypto-macro desk watches', () => {
    const watched = [
      'crypto/btc/spot_price_usd',
      'crypto/eth/spot_price_usd',
      'cex/btc/perp_funding_rate_8h',
      'cex/eth/perp_funding_rate_8h',
      'cex/btc/basis_3m_annualized',
      'macro/us/dxy_index',
      'macro/us/hy_oas_bps',
      'macro/us/ust_10y_yield_pct',
      'crypto/stables/supply_total_usd',
      'crypto/etf/btc_aum_usd',
      'crypto/etf/eth_aum_usd',
      'crypto/btc/realized_vol_30d',
      'macro/us/vix_index',
      'crypto/market/total_mcap_usd',
    ]
    for (const id of watched) expect(byId.has(id), id).toBe(true)
    expect(byId.get('macro/us/hy_oas_bps')?.unit).toBe('bps')
    expect(byId.get('macro/us/ust_10y_yield_pct')?.unit).toBe('percent')
    expect(byId.get('cex/btc/perp_funding_rate_8h')?.unit).toBe('ratio/8h')
  })
})
