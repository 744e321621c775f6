import { z } from 'zod'
import { envPositiveInt, loadConfig, type Env } from '@lav/shared/config'
import { VENUES, type Venue } from './adapters/order-books'

const baseUrl = (fallback: string) => z.url().default(fallback)
// No default: a key is given or absent (loadConfig already reads "" as absent).
const secret = z.string().optional()

const SourcesEnvSchema = z.object({
  // mock: synthetic demo points; shadow: real sources, advisory only (nothing acts on them).
  ORACLE_SOURCE_MODE: z.enum(['mock', 'shadow']).default('mock'),
  // Which source serves macro/us/tga_balance_usd: the daily DTS, or FRED's weekly WDTGAL.
  TGA_SOURCE: z.enum(['treasury', 'fred']).default('treasury'),
  FRED_BASE_URL: baseUrl('https://api.stlouisfed.org'),
  FRED_API_KEY: secret,
  TREASURY_BASE_URL: baseUrl('https://api.fiscaldata.treasury.gov'),
  DEFILLAMA_STABLECOINS_BASE_URL: baseUrl('https://stablecoins.llama.fi'),
  DEFILLAMA_API_BASE_URL: baseUrl('https://api.llama.fi'),
  SOSOVALUE_BASE_URL: baseUrl('https://api.sosovalue.xyz'),
  SOSOVALUE_API_KEY: secret,
  BINANCE_SPOT_BASE_URL: baseUrl('https://api.binance.com'),
  BINANCE_FUTURES_BASE_URL: baseUrl('https://fapi.binance.com'),
  COINBASE_BASE_URL: baseUrl('https://api.exchange.coinbase.com'),
  OKX_BASE_URL: baseUrl('https://www.okx.com'),
  KRAKEN_BASE_URL: baseUrl('https://api.kraken.com'),
  CEX_DEPTH_VENUES: z
    .string()
    .default(VENUES.join(','))
    .transform((text) => text.split(',').map((venue) => venue.trim()).filter(Boolean))
    .pipe(z.array(z.enum(VENUES)).min(1)),
  SOURCE_HTTP_TIMEOUT_MS: envPositiveInt(15_000),
  SOURCE_RETRY_AFTER_MAX_MS: envPositiveInt(30_000),
  // Shadow polls: a feature is re-read every min(its frequency, this), so daily and weekly
  // releases are picked up within the hour rather than a day or a week late.
  SHADOW_POLL_MAX_MS: envPositiveInt(60 * 60_000),
})

export interface SourcesConfig {
  mode: 'mock' | 'shadow'
  tgaSource: 'treasury' | 'fred'
  baseUrls: {
    fred: string
    treasury: string
    defillamaStablecoins: string
    defillamaApi: string
    sosovalue: string
    binanceSpot: string
    binanceFutures: string
    coinbase: string
    okx: string
    kraken: string
  }
  /** Secrets: never logged, never in evidence or error messages. */
  fredApiKey?: string
  sosovalueApiKey?: string
  depthVenues: Venue[]
  httpTimeoutMs: number
  retryAfterMaxMs: number
  shadowPollMaxMs: number
}

export function loadSourcesConfig(env: Env): Readonly<SourcesConfig> {
  const parsed = loadConfig(SourcesEnvSchema, env)
  return Object.freeze({
    mode: parsed.ORACLE_SOURCE_MODE,
    tgaSource: parsed.TGA_SOURCE,
    baseUrls: Object.freeze({
      fred: parsed.FRED_BASE_URL,
      treasury: parsed.TREASURY_BASE_URL,
      defillamaStablecoins: parsed.DEFILLAMA_STABLECOINS_BASE_URL,
      defillamaApi: parsed.DEFILLAMA_API_BASE_URL,
      sosovalue: parsed.SOSOVALUE_BASE_URL,
      binanceSpot: parsed.BINANCE_SPOT_BASE_URL,
      binanceFutures: parsed.BINANCE_FUTURES_BASE_URL,
      coinbase: parsed.COINBASE_BASE_URL,
      okx: parsed.OKX_BASE_URL,
      kraken: parsed.KRAKEN_BASE_URL,
    }),
    fredApiKey: parsed.FRED_API_KEY,
    sosovalueApiKey: parsed.SOSOVALUE_API_KEY,
    depthVenues: [...new Set(parsed.CEX_DEPTH_VENUES)],
    httpTimeoutMs: parsed.SOURCE_HTTP_TIMEOUT_MS,
    retryAfterMaxMs: parsed.SOURCE_RETRY_AFTER_MAX_MS,
    shadowPollMaxMs: parsed.SHADOW_POLL_MAX_MS,
  })
}
