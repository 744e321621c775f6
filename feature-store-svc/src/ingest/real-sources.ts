import type { FeatureSpec } from '@lav/shared/contracts'
import { createCexDepthAdapter } from './adapters/cex-depth-adapter'
import { createDexLiquidityAdapter } from './adapters/dex-liquidity-adapter'
import { createEtfFlowsAdapter } from './adapters/etf-flows-adapter'
import { createFredAdapter } from './adapters/fred-adapter'
import type { Venue } from './adapters/order-books'
import { createPerpOiAdapter } from './adapters/perp-oi-adapter'
import { createSourceHttp, type SourceHttp, type SourceHttpOptions } from './adapters/source-http'
import { createStablecoinsAdapter } from './adapters/stablecoins-adapter'
import { createTreasuryDtsAdapter } from './adapters/treasury-dts-adapter'
import type { RealSourceAdapter } from './source-adapter'
import type { SourcesConfig } from './sources-config'

/** The names `npm run backfill -- --source NAME` accepts, one per real adapter. */
export const SOURCE_NAMES = ['fred', 'treasury', 'defillama-stablecoins', 'sosovalue', 'cex-depth', 'binance-futures', 'defillama-protocols'] as const
export type SourceName = (typeof SOURCE_NAMES)[number]

export interface RealSources {
  readonly adapters: Readonly<Record<SourceName, RealSourceAdapter>>
  /** The adapter serving `spec` in shadow mode, if any real source covers it. */
  adapterFor(spec: FeatureSpec): RealSourceAdapter | undefined
}

export interface RealSourcesDeps {
  readonly fetch?: typeof fetch
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<unknown>
}

/** Every real adapter, each with its own HTTP client (base URL, secrets) built from config. */
export function createRealSources(config: SourcesConfig, deps: RealSourcesDeps = {}): RealSources {
  const secrets = [config.fredApiKey, config.sosovalueApiKey].filter((value): value is string => Boolean(value))
  const http = (source: string, baseUrl: string, extra: Partial<SourceHttpOptions> = {}) =>
    createSourceHttp({ source, baseUrl, timeoutMs: config.httpTimeoutMs, maxRetryAfterMs: config.retryAfterMaxMs, secrets, ...deps, ...extra })
  const venueBase: Record<Venue, string> = {
    binance: config.baseUrls.binanceSpot,
    coinbase: config.baseUrls.coinbase,
    okx: config.baseUrls.okx,
    kraken: config.baseUrls.kraken,
  }
  const venues: Partial<Record<Venue, SourceHttp>> = Object.fromEntries(config.depthVenues.map((venue) => [venue, http(venue, venueBase[venue])]))
  const { now } = deps
  const adapters: Record<SourceName, RealSourceAdapter> = {
    fred: createFredAdapter({ http: http('fred', config.baseUrls.fred, { secretParams: ['api_key'] }), apiKey: config.fredApiKey, tga: config.tgaSource === 'fred', now }),
    treasury: createTreasuryDtsAdapter({ http: http('treasury', config.baseUrls.treasury), now }),
    'defillama-stablecoins': createStablecoinsAdapter({ http: http('defillama-stablecoins', config.baseUrls.defillamaStablecoins), now }),
    sosovalue: createEtfFlowsAdapter({
      http: http('sosovalue', config.baseUrls.sosovalue, { headers: config.sosovalueApiKey ? { 'x-soso-api-key': config.sosovalueApiKey } : {} }),
      apiKeyPresent: Boolean(config.sosovalueApiKey),
      now,
    }),
    'cex-depth': createCexDepthAdapter({ venues, now }),
    'binance-futures': createPerpOiAdapter({ http: http('binance-futures', config.baseUrls.binanceFutures), now }),
    'defillama-protocols': createDexLiquidityAdapter({ http: http('defillama-protocols', config.baseUrls.defillamaApi), now }),
  }
  const routes = new Map<string, RealSourceAdapter>()
  for (const adapter of Object.values(adapters)) {
    for (const featureId of adapter.features) if (!routes.has(featureId)) routes.set(featureId, adapter)
  }
  return { adapters, adapterFor: (spec) => routes.get(spec.id) }
}
