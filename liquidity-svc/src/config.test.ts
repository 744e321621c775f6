import { describe, expect, it } from 'vitest'
import { loadLiquidityConfig } from './config'

const SECRET = 'x'.repeat(32)
const DAY = 86_400_000

describe('liquidity-svc configuration', () => {
  it('has the documented defaults', () => {
    const config = loadLiquidityConfig({ JWT_SECRET: SECRET })
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8082, featureStoreUrl: 'http://127.0.0.1:8081', featureStoreTimeoutMs: 1500, historyMaxInstants: 366 })
    expect(config.method).toEqual({
      componentWeights: { gl: 0.4, cn: 0.4, mp: 0.2 },
      alpha: 0.2,
      thetaHi: 0.8,
      thetaLo: -0.8,
      confirmationMs: DAY,
      zWindowMs: 60 * DAY,
      zMinPoints: 8,
      warmupInstants: 30,
      flowWindowMs: 7 * DAY,
      minComponents: 2,
      freshnessMaxRatio: 1.5,
    })
    expect(Object.isFrozen(config) && Object.isFrozen(config.method)).toBe(true)
  })

  it('reads every LIQ_* parameter', () => {
    const config = loadLiquidityConfig({
      JWT_SECRET: SECRET,
      LIQ_SCORE_WEIGHTS: '0.5, 0.3, 0.2',
      LIQ_SCORE_THRESHOLDS: '1,-1.2',
      LIQ_SCORE_SMOOTHING_ALPHA: '0.3',
      LIQ_REGIME_FLIP_CONFIRMATION_HOURS: '48',
      LIQ_ZSCORE_WINDOW_DAYS: '30',
      LIQ_ZSCORE_MIN_POINTS: '10',
      LIQ_EMA_WARMUP_DAYS: '20',
      LIQ_FLOW_WINDOW_DAYS: '14',
      LIQ_MIN_COMPONENTS: '3',
      FEATURE_DQ_FRESHNESS_MAX_RATIO: '2',
    })
    expect(config.method).toEqual({
      componentWeights: { gl: 0.5, cn: 0.3, mp: 0.2 },
      alpha: 0.3,
      thetaHi: 1,
      thetaLo: -1.2,
      confirmationMs: 2 * DAY,
      zWindowMs: 30 * DAY,
      zMinPoints: 10,
      warmupInstants: 20,
      flowWindowMs: 14 * DAY,
      minComponents: 3,
      freshnessMaxRatio: 2,
    })
  })

  it('names the bad variable', () => {
    const bad: Record<string, string> = {
      LIQ_SCORE_WEIGHTS: '0.4,0.4',
      LIQ_SCORE_THRESHOLDS: '-0.8,0.8',
      LIQ_SCORE_SMOOTHING_ALPHA: '0',
      LIQ_ZSCORE_MIN_POINTS: '1',
      LIQ_MIN_COMPONENTS: '4',
      LIQUIDITY_FEATURE_STORE_TIMEOUT_MS: '5000',
      FEATURE_STORE_URL: 'not a url',
      FEATURE_DQ_FRESHNESS_MAX_RATIO: '0',
    }
    for (const [name, value] of Object.entries(bad)) expect(() => loadLiquidityConfig({ JWT_SECRET: SECRET, [name]: value }), name).toThrow(name)
  })

  it('needs a way to call the feature store: a fixed token or a key to sign one', () => {
    expect(() => loadLiquidityConfig({ JWT_PUBLIC_KEY: 'pem' })).toThrow(/LIQUIDITY_SERVICE_TOKEN/)
    expect(loadLiquidityConfig({ JWT_PUBLIC_KEY: 'pem', LIQUIDITY_SERVICE_TOKEN: 'a.b.c' }).serviceToken).toBe('a.b.c')
    expect(loadLiquidityConfig({ JWT_PUBLIC_KEY: 'pem', JWT_PRIVATE_KEY: 'pem' }).auth.algorithm).toBe('RS256')
  })
})
