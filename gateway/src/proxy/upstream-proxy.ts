import httpProxy from '@fastify/http-proxy'
import { errorBody, ForbiddenError, hasScope, UpstreamUnavailableError, type ZodApp } from '@lav/shared'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CircuitBreaker, Ticket } from '../resilience/circuit-breaker'
import { requiredScope } from '../routing/route-table'

export interface UpstreamProxyOptions {
  name: string
  url: string
  /** Path prefix forwarded unchanged (not `prefix`: Fastify would apply that to this plugin too). */
  pathPrefix: string
  breaker: CircuitBreaker
  timeoutMs: number
}

declare module 'fastify' {
  interface FastifyRequest {
    breakerTicket?: Extract<Ticket, { allowed: true }>
  }
}

const TIMEOUT_CODES = new Set(['FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

function sendUpstreamError(name: string) {
  return (reply: FastifyReply, { error }: { error: Error & { code?: string; cause?: { code?: string } } }) => {
    const timedOut = TIMEOUT_CODES.has(error.code ?? '') || TIMEOUT_CODES.has(error.cause?.code ?? '')
    reply.request.log.warn({ upstream: name, code: error.cause?.code ?? error.code }, 'upstream call failed')
    const [status, code, message] = timedOut
      ? [504, 'UPSTREAM_TIMEOUT', `${name} did not answer in time`]
      : [502, 'UPSTREAM_UNREACHABLE', `${name} could not be reached`]
    reply.code(status).send(errorBody(status, code, message, reply.request.id))
  }
}

function forwardedHeaders(request: FastifyRequest, headers: Record<string, unknown>) {
  const priorFor = typeof headers['x-forwarded-for'] === 'string' ? `${headers['x-forwarded-for']}, ` : ''
  return {
    ...headers,
    'x-correlation-id': request.id,
    'x-forwarded-for': `${priorFor}${request.ip}`,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  }
}

/**
 * One upstream behind the gateway: auth and scope first (a rejected call never leaves the
 * gateway), then the circuit breaker, then the proxied call on a keep-alive pool, path unchanged.
 */
export async function upstreamProxy(app: ZodApp, options: UpstreamProxyOptions): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const principal = await app.authenticate(request)
    const scope = requiredScope(request.method, request.url)
    if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(`this call needs the scope ${scope}`)
    const ticket = options.breaker.tryAcquire()
    if (!ticket.allowed) {
      reply.header('retry-after', ticket.retryAfterSeconds)
      throw new UpstreamUnavailableError(options.name)
    }
    request.breakerTicket = ticket
  })
  app.addHook('onResponse', async (request, reply) => {
    const ticket = request.breakerTicket
    if (ticket) options.breaker.record(reply.statusCode < 500, ticket.probe)
  })
  await app.register(httpProxy, {
    upstream: options.url,
    prefix: options.pathPrefix,
    rewritePrefix: options.pathPrefix,
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs },
    replyOptions: {
      rewriteRequestHeaders: forwardedHeaders as never,
      onError: sendUpstreamError(options.name) as never,
    },
  })
}
