import { createSigner } from 'fast-jwt'
import type { AuthConfig } from '../config/auth-config'
import { parseDuration } from '../time/index'

export interface TokenRequest {
  sub: string
  scope: string
  ttl?: string
}

/** Signs tokens with the configured key: the token CLI, the launcher and tests use it. */
export function createTokenSigner(config: AuthConfig): (request: TokenRequest) => string {
  const key = config.algorithm === 'HS256' ? config.secret : config.privateKey
  if (!key) throw new Error(`cannot sign ${config.algorithm} tokens: no ${config.algorithm === 'HS256' ? 'JWT_SECRET' : 'JWT_PRIVATE_KEY'}`)
  return ({ sub, scope, ttl = '1h' }) => {
    const expiresIn = parseDuration(ttl)
    if (expiresIn === null || expiresIn <= 0) throw new Error(`invalid ttl "${ttl}": use e.g. 15m, 1h, 7d`)
    const sign = createSigner({ key, algorithm: config.algorithm, iss: config.issuer, aud: config.audience, expiresIn, ...(config.keyId ? { kid: config.keyId } : {}) })
    return sign({ sub, scope })
  }
}
