import { describe, expect, it } from 'vitest'
import { loadSourcesConfig } from './sources-config'

describe('loadSourcesConfig', () => {
  it('defaults to mock mode, the public base URLs and all four depth venues, with no keys', () => {
    const config = loadSourcesConfig({})
    expect(config).toMatchObject({ mode: 'mock', tgaSource: 'treasury', depthVenues: ['binance', 'coinbase', 'okx', 'kraken'], fredApiKey: undefined })
    expect(config.baseUrls.fred).toBe('https://api.stlouisfed.org')
    expect(config.baseUrls.treasury).toBe('https://api.fiscaldata.treasury.gov')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads shadow mode, keys and venues, and names a bad variable without echoing secrets', () => {
    const config = loadSourcesConfig({ ORACLE_SOURCE_MODE: 'shadow', FRED_API_KEY: 'k'.repeat(32), CEX_DEPTH_VENUES: 'kraken, okx', TGA_SOURCE: 'fred' })
    expect(config).toMatchObject({ mode: 'shadow', fredApiKey: 'k'.repeat(32), depthVenues: ['kraken', 'okx'], tgaSource: 'fred' })
    expect(() => loadSourcesConfig({ ORACLE_SOURCE_MODE: 'live' })).toThrow(/ORACLE_SOURCE_MODE/)
    expect(() => loadSourcesConfig({ CEX_DEPTH_VENUES: 'bitmex' })).toThrow(/CEX_DEPTH_VENUES/)
    expect(() => loadSourcesConfig({ FRED_BASE_URL: 'not a url', FRED_API_KEY: 'secret-key' })).toThrow(/FRED_BASE_URL/)
    expect(() => loadSourcesConfig({ FRED_BASE_URL: 'not a url', FRED_API_KEY: 'secret-key' })).not.toThrow(/secret-key/)
  })
})
