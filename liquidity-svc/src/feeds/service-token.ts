import { createTokenSigner } from '@lav/shared'
import type { AuthConfig } from '@lav/shared/config'

export interface ServiceTokenOptions {
  auth: AuthConfig
  /** LIQUIDITY_SERVICE_TOKEN: used as is when set. */
  fixedToken?: string
  ttlSeconds: number
  now?: () => number
}

/**
 * The token the service shows the feature store: the configured one, or one it signs itself with
 * scope oracle.reader and replaces once a fifth of its life is left, so a request in flight
 * never carries a token that expires on the way.
 */
export function createServiceTokenProvider(options: ServiceTokenOptions): () => string {
  if (options.fixedToken) {
    const token = options.fixedToken
    return () => token
  }
  const now = options.now ?? Date.now
  const sign = createTokenSigner(options.auth)
  const lifeMs = options.ttlSeconds * 1000
  let current: { token: string; renewAt: number } | undefined
  return () => {
    const at = now()
    if (!current || at >= current.renewAt) {
      current = { token: sign({ sub: 'liquidity-svc', scope: 'oracle.reader', ttl: `${options.ttlSeconds}s` }), renewAt: at + lifeMs * 0.8 }
    }
    return current.token
  }
}
