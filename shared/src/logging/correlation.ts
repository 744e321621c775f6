import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const CORRELATION_HEADER = 'x-correlation-id'
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/

/** The caller's correlation id when it is a safe token, else a fresh one (api.md). */
export function correlationIdFrom(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_HEADER]
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID()
}

async function correlationPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, request.id)
    done()
  })
}

export const correlation = fp(correlationPlugin, { name: 'lav-correlation', fastify: '5.x' })
