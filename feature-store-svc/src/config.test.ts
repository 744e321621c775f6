import { describe, expect, it } from 'vitest'
import { loadFeatureStoreConfig } from './config'

const ENV = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lav', JWT_SECRET: 'a-test-secret-that-is-at-least-32-chars' }

describe('FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS', () => {
  it('bounds the near-cache at 250 ms unless set; 0 turns it off', () => {
    expect(loadFeatureStoreConfig(ENV).nearCacheMaxAgeMs).toBe(250)
    expect(loadFeatureStoreConfig({ ...ENV, FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS: '0' }).nearCacheMaxAgeMs).toBe(0)
    expect(loadFeatureStoreConfig({ ...ENV, FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS: '1000' }).nearCacheMaxAgeMs).toBe(1000)
  })

  it('refuses a negative or fractional bound, naming the variable', () => {
    for (const value of ['-1', '2.5', 'soon']) {
      expect(() => loadFeatureStoreConfig({ ...ENV, FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS: value })).toThrow(/FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS/)
    }
  })
})
