import fastifyJwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../config/auth-config'
import { ForbiddenError, UnauthorizedError } from '../errors/app-errors'
import { hasScope, parseScopes, type Scope } from './scopes'

export interface Principal {
  sub: string
  scopes: Set<string>
}

declare module 'fastify' {
  interface FastifyInstance {
    requireScope(scope: Scope): onRequestAsyncHookHandler
    /** The caller's verified identity; throws 401. The result (or failure) is kept per request. */
    authenticate(request: FastifyRequest): Promise<Principal>
  }
  interface FastifyRequest {
    principal?: Principal
    authFailure?: Error
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; scope: string }
    user: { sub: string; scope?: string | string[] }
  }
}

/** The `kid` of the bearer token's header; the signature is checked afterwards with the key it names. */
function tokenKeyId(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization?.split(' ')[1]?.split('.')[0]
  try {
    const kid = header ? (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown }).kid : undefined
    return typeof kid === 'string' ? kid : undefined
  } catch {
    return undefined
  }
}

/** Picks the public key a token names by `kid`; a token without one uses the current key. */
function keyResolver(config: AuthConfig) {
  const keys = new Map<string, string>([[config.keyId as string, config.publicKey as string]])
  for (const previous of config.previousKeys ?? []) keys.set(previous.kid, previous.publicKey)
  return async (request: FastifyRequest) => {
    const kid = tokenKeyId(request)
    if (kid === undefined) return config.publicKey as string
    const key = keys.get(kid)
    if (!key) throw new Error(`unknown key id "${kid}"`)
    return key
  }
}

function secretOption(config: AuthConfig) {
  if (config.algorithm === 'HS256') return config.secret as string
  if (config.keyId) return keyResolver(config)
  return { public: config.publicKey as string, private: config.privateKey }
}

function jwtOptions(config: AuthConfig) {
  return {
    secret: secretOption(config),
    // fast-jwt accepts any algorithm, issuer and audience unless told otherwise: pin them all.
    verify: {
      algorithms: [config.algorithm],
      allowedIss: config.issuer,
      allowedAud: config.audience,
      requiredClaims: ['exp', 'iss', 'aud', 'sub'],
    },
    sign: { algorithm: config.algorithm, iss: config.issuer, aud: config.audience },
  }
}

/**
 * Verifies the bearer token, keeping the principal of each verified token until its exp:
 * @fastify/jwt's own path (decode, secret callback, fast-jwt's cache hash) costs about half the
 * throughput of a cached read route, and a token that verified once verifies the same way until
 * it expires (its nbf is already past). One cache per app, so apps with other keys never share it.
 */
function createVerifier(maxEntries = 10_000) {
  const verified = new Map<string, { principal: Principal; expiresAt: number }>()
  return async (request: FastifyRequest): Promise<Principal> => {
    const authorization = request.headers.authorization
    if (!authorization) throw new UnauthorizedError('missing Authorization: Bearer token')
    const known = verified.get(authorization)
    if (known && known.expiresAt > Date.now()) return known.principal
    try {
      const user = await request.jwtVerify<{ sub: string; scope?: string | string[]; exp: number }>()
      const principal = { sub: user.sub, scopes: parseScopes(user.scope) }
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value as string)
      verified.set(authorization, { principal, expiresAt: user.exp * 1000 })
      return principal
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'invalid token'
      throw new UnauthorizedError(`invalid token: ${reason}`)
    }
  }
}

function createAuthenticate(verify: (request: FastifyRequest) => Promise<Principal>) {
  return async (request: FastifyRequest): Promise<Principal> => {
    if (request.principal) return request.principal
    if (request.authFailure) throw request.authFailure
    try {
      request.principal = await verify(request)
      return request.principal
    } catch (error) {
      request.authFailure = error as Error
      throw error
    }
  }
}

async function authPlugin(app: FastifyInstance, config: AuthConfig): Promise<void> {
  await app.register(fastifyJwt, jwtOptions(config) as never)
  // Runs in onRequest, before the body is read or validated: a caller without the right token
  // learns nothing about the schema.
  const authenticate = createAuthenticate(createVerifier())
  // Declared up front so every request object keeps one shape (V8 hidden class).
  app.decorateRequest('principal', undefined)
  app.decorateRequest('authFailure', undefined)
  app.decorate('authenticate', authenticate)
  app.decorate('requireScope', (scope: Scope): onRequestAsyncHookHandler => {
    return async (request) => {
      const principal = await authenticate(request)
      if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(`this call needs the scope ${scope}`)
    }
  })
}

export const authenticationPlugin = fp(authPlugin, { name: 'lav-auth', fastify: '5.x' })
