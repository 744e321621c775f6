import type { z } from 'zod'
import type {
  DqReport,
  FeatureQueryResult,
  FeatureSpec,
  Frequency,
  LatestPoint,
  PublishPoint,
  PublishResult,
  QueryBodySchema,
  ReadConsistency,
} from '../contracts/index'
import { send, type HttpConfig, type HttpRequest } from './http'

export const FEATURES_API_PREFIX = '/api/features/v1'

export type FeatureStoreClientOptions = {
  /** Gateway or service origin, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string
  token?: string
  /** Called before every attempt; wins over `token`. */
  tokenProvider?: () => string | Promise<string>
  /** Per attempt, not per call. */
  timeoutMs?: number
  retries?: number
  retryBaseDelayMs?: number
  /** Upper bound for any wait between attempts, including one asked for by `retry-after`. */
  maxRetryDelayMs?: number
  correlationId?: string
  /** Publish is an upsert, so repeating it is safe, but it stays opt-in. */
  retryPublish?: boolean
  fetch?: typeof fetch
  userAgent?: string
}

export type CallOptions = { correlationId?: string }
export type PublishOptions = CallOptions & { retryPublish?: boolean }
/**
 * `strong` reads past the store's near-cache: never older than a publish acknowledged before the
 * call. The default (`eventual`) may lag a publish acknowledged by another replica by up to the
 * store's bound (`FEATURE_STORE_NEAR_CACHE_MAX_AGE_MS`, 250 ms by default). `asOf` (an ISO
 * instant): the latest point as the store knew it then (knowledge time; read from PostgreSQL).
 */
export type LatestOptions = CallOptions & { consistency?: ReadConsistency; asOf?: string }

export type CatalogFilter = { entity?: FeatureSpec['entity']; frequency?: Frequency; tags?: string[] }
export type QueryInput = z.input<typeof QueryBodySchema>
export type DqParams = { featureId?: string; since?: string; until?: string }

export type FeatureStoreClient = {
  catalog(filter?: CatalogFilter, options?: CallOptions): Promise<FeatureSpec[]>
  feature(id: string, options?: CallOptions): Promise<FeatureSpec>
  latest(featureId: string, options?: LatestOptions): Promise<LatestPoint>
  query(body: QueryInput, options?: CallOptions): Promise<FeatureQueryResult[]>
  publish(points: PublishPoint[], options?: PublishOptions): Promise<PublishResult>
  dq(params?: DqParams, options?: CallOptions): Promise<DqReport>
  /** A client like this one whose calls carry `id` unless a call names its own. */
  withCorrelationId(id: string): FeatureStoreClient
}

const DEFAULTS = { timeoutMs: 5000, retries: 2, retryBaseDelayMs: 100, maxRetryDelayMs: 10_000 }
const DEFAULT_USER_AGENT = '@lav/shared-sdk'

function httpConfigFrom(options: FeatureStoreClientOptions): HttpConfig {
  const { token, tokenProvider } = options
  return {
    baseUrl: `${options.baseUrl.replace(/\/+$/, '')}${FEATURES_API_PREFIX}`,
    tokenProvider: tokenProvider ?? (token === undefined ? undefined : () => token),
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: options.retries ?? DEFAULTS.retries,
    retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
    maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs,
    fetch: options.fetch ?? globalThis.fetch,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  }
}

export function createFeatureStoreClient(options: FeatureStoreClientOptions): FeatureStoreClient {
  const config = httpConfigFrom(options)
  const call = <T>(request: Omit<HttpRequest, 'correlationId'>, callOptions?: CallOptions) =>
    send<T>(config, { ...request, correlationId: callOptions?.correlationId ?? options.correlationId })
  const get = <T>(path: string, query: HttpRequest['query'], callOptions?: CallOptions) =>
    call<T>({ method: 'GET', path, query, retry: true }, callOptions)

  return {
    catalog: (filter = {}, callOptions) =>
      get('/catalog', { entity: filter.entity, frequency: filter.frequency, tags: filter.tags?.join(',') }, callOptions),
    feature: (id, callOptions) => get(`/catalog/${encodeURIComponent(id)}`, undefined, callOptions),
    latest: (featureId, callOptions) => get('/latest', { featureId, asOf: callOptions?.asOf, consistency: callOptions?.consistency }, callOptions),
    // POST /query only reads, so it is as safe to repeat as a GET.
    query: (body, callOptions) => call({ method: 'POST', path: '/query', body, retry: true }, callOptions),
    publish: (points, callOptions) => {
      const retry = callOptions?.retryPublish ?? options.retryPublish ?? false
      return call({ method: 'POST', path: '/publish', body: points, retry }, callOptions)
    },
    dq: (params = {}, callOptions) => get('/dq', { ...params }, callOptions),
    withCorrelationId: (id) => createFeatureStoreClient({ ...options, correlationId: id }),
  }
}
