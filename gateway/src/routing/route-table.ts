import type { Scope } from '@lav/shared'

export type UpstreamName = 'features' | 'liquidity'

export const UPSTREAM_PREFIXES: Record<UpstreamName, string> = {
  features: '/api/features',
  liquidity: '/api/liquidity',
}

const FEATURES_V1 = '/api/features/v1'

/** The route → scope table of api.md: reads need reader, publish needs publisher, the rest admin. */
export function requiredScope(method: string, url: string): Scope {
  const path = url.split('?')[0] as string
  if (method === 'GET' || method === 'HEAD') return 'oracle.reader'
  if (method === 'POST' && path === `${FEATURES_V1}/query`) return 'oracle.reader'
  if (method === 'POST' && path === `${FEATURES_V1}/publish`) return 'oracle.publisher'
  return 'oracle.admin'
}

// The services' body limits (shared createBaseApp: 1 MiB; POST /publish: the store's
// FEATURE_STORE_PUBLISH_BODY_LIMIT_BYTES default). A service refuses a larger body with 413 and
// closes the socket while the gateway is still streaming it, which undici reports as EPIPE: the
// client got a 502 instead of the 413. The gateway now answers 413 itself before forwarding.
const DEFAULT_BODY_LIMIT = 1024 * 1024
const PUBLISH_BODY_LIMIT = 32 * 1024 * 1024

/** The largest request body the route's service accepts, in bytes. */
export function bodyLimit(method: string, url: string): number {
  const path = url.split('?')[0] as string
  return method === 'POST' && path === `${FEATURES_V1}/publish` ? PUBLISH_BODY_LIMIT : DEFAULT_BODY_LIMIT
}

const KNOWN_ROUTES = new Set([
  `${FEATURES_V1}/catalog`,
  `${FEATURES_V1}/latest`,
  `${FEATURES_V1}/query`,
  `${FEATURES_V1}/publish`,
  `${FEATURES_V1}/dq`,
  '/api/liquidity/v1/regime/latest',
  '/api/liquidity/v1/regime/history',
  '/api/liquidity/v1/scoreboard',
  '/api/liquidity/v1/hints',
])

/**
 * A bounded metric label for a proxied URL: ids and unknown paths never become label values,
 * or one client could grow the metric set without limit.
 */
export function routeLabel(url: string): string {
  const path = url.split('?')[0] as string
  if (KNOWN_ROUTES.has(path)) return path
  if (path.startsWith(`${FEATURES_V1}/catalog/`)) return `${FEATURES_V1}/catalog/:id`
  if (path.startsWith('/api/features/')) return '/api/features/*'
  if (path.startsWith('/api/liquidity/')) return '/api/liquidity/*'
  return 'other'
}
