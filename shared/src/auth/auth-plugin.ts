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
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; scope: string }
    user: { sub: string; scope?: string | string[] }
  }
}

function jwtOptions(config: AuthConfig) {
  const key = config.algorithm === 'HS256' ? (config.secret as string) : { public: config.publicKey as string, private: config.privateKey }
  return {
    secret: key,
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

async function authenticate(request: FastifyRequest): Promise<Principal> {
  if (request.principal) return request.principal
  if (!request.headers.authorization) throw new UnauthorizedError('missing Authorization: Bearer token')
  try {
    const user = await request.jwtVerify<{ sub: string; scope?: string | string[] }>()
    request.principal = { sub: user.sub, scopes: parseScopes(user.scope) }
    return request.principal
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid token'
    throw new UnauthorizedError(`invalid token: ${reason}`)
  }
}

async function authPlugin(app: FastifyInstance, config: AuthConfig): Promise<void> {
  await app.register(fastifyJwt, jwtOptions(config) as never)
  // Runs in onRequest, before the body is read or validated: a caller without the right token
  // learns nothing about the schema.
  app.decorate('requireScope', (scope: Scope): onRequestAsyncHookHandler => {
    return async (request) => {
      const principal = await authenticate(request)
      if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(`this call needs the scope ${scope}`)
    }
  })
}

export const authenticationPlugin = fp(authPlugin, { name: 'lav-auth', fastify: '5.x' })
