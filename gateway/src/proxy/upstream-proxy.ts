import { Transform, type Readable } from 'node:stream'
import { errorBody, ForbiddenError, hasScope, PayloadTooLargeError, UpstreamUnavailableError, type ZodApp } from '@lav/shared'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Pool } from 'undici'
import type { CircuitBreaker, Ticket } from '../resilience/circuit-breaker'
import { bodyLimit, requiredScope } from '../routing/route-table'

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

// Connection-scoped headers (RFC 9110 §7.6.1) belong to one hop and are never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length'])
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

function requestHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const priorFor = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ` : ''
  headers['x-correlation-id'] = request.id
  headers['x-forwarded-for'] = `${priorFor}${request.ip}`
  headers['x-forwarded-proto'] = request.protocol
  headers['x-forwarded-host'] = request.host
  if (request.headers['content-length']) headers['content-length'] = request.headers['content-length']
  return headers
}

function sendUpstreamError(reply: FastifyReply, name: string, error: Error & { code?: string }) {
  const timedOut = TIMEOUT_CODES.has(error.code ?? '')
  reply.request.log.warn({ upstream: name, code: error.code }, 'upstream call failed')
  const [status, code, message] = timedOut
    ? [504, 'UPSTREAM_TIMEOUT', `${name} did not answer in time`]
    : [502, 'UPSTREAM_UNREACHABLE', `${name} could not be reached`]
  return reply.code(status).send(errorBody(status, code, message, reply.request.id))
}

/**
 * The body as it streams upstream, failing with PayloadTooLargeError on the chunk that crosses
 * `limit`: a chunked body (no content-length) over the service's limit is then a 413 from the
 * gateway, before the service can see the excess, refuse it and close the socket mid-upload.
 */
function limitBody(body: Readable, limit: number): Readable {
  let bytes = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      done(bytes > limit ? new PayloadTooLargeError(limit) : null, chunk)
    },
  })
  body.on('error', (error) => counter.destroy(error))
  return body.pipe(counter)
}

/**
 * One upstream behind the gateway: auth and scope first (a rejected call never leaves the
 * gateway), then the circuit breaker, then the call on a keep-alive undici pool, path unchanged.
 * Request bodies stream through unparsed; answers (JSON, at most a query's worth) are read whole,
 * which on this path costs less than piping a stream per request.
 */
export async function upstreamProxy(app: ZodApp, options: UpstreamProxyOptions): Promise<void> {
  const pool = new Pool(options.url, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs })
  app.addHook('onClose', async () => pool.close())
  app.decorateRequest('breakerTicket', undefined)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))

  app.addHook('onRequest', async (request, reply) => {
    const principal = await app.authenticate(request)
    const scope = requiredScope(request.method, request.url)
    if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(`this call needs the scope ${scope}`)
    const limit = bodyLimit(request.method, request.url)
    if (Number(request.headers['content-length'] ?? 0) > limit) throw new PayloadTooLargeError(limit)
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

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const answer = await pool.request({
        method: request.method as (typeof METHODS)[number],
        path: request.url,
        headers: requestHeaders(request),
        body: request.method === 'GET' || request.method === 'OPTIONS' || !request.body ? undefined : limitBody(request.body as Readable, bodyLimit(request.method, request.url)),
      })
      const body = Buffer.from(await answer.body.arrayBuffer())
      reply.code(answer.statusCode)
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value)
      return reply.send(body)
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        // Read the rest of the client's body and drop it: closing on a client still writing makes
        // it fail with EPIPE before it reads the 413 (the fuzz bench's chunked 10 MB body did).
        request.raw.resume()
        return reply.code(413).send(errorBody(413, 'PAYLOAD_TOO_LARGE', error.message, request.id))
      }
      return sendUpstreamError(reply, options.name, error as Error & { code?: string })
    }
  }
  for (const url of [options.pathPrefix, `${options.pathPrefix}/*`]) app.route({ method: [...METHODS], url, handler: forward })
}
