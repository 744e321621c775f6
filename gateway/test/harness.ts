import { randomUUID } from 'node:crypto'
import type { AuthConfig } from '@lav/shared/config'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { Registry } from 'prom-client'
import { buildGateway, type GatewayDeps } from '../src/app'

export const HS_AUTH: AuthConfig = {
  algorithm: 'HS256',
  secret: 'gateway-test-secret-that-is-long-enough-0123456789',
  issuer: 'lav-oracle',
  audience: 'lav-api',
}

export interface RecordedCall {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  bodyBytes: number
}

export interface FakeUpstream {
  url: string
  calls: RecordedCall[]
  /** What to answer; by default 200 with a small JSON body. */
  behave: (call: RecordedCall, index: number) => Promise<{ status: number; body?: unknown; delayMs?: number }> | { status: number; body?: unknown; delayMs?: number }
  close(): Promise<void>
}

/** A real HTTP server on port 0 that records what reaches it. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const server: FastifyInstance = Fastify({ bodyLimit: 64 * 1024 * 1024 })
  server.removeAllContentTypeParsers()
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  const upstream: FakeUpstream = {
    url: '',
    calls: [],
    behave: () => ({ status: 200, body: { ok: true } }),
    close: () => server.close(),
  }
  server.all('/*', async (request, reply) => {
    const call = { method: request.method, url: request.url, headers: request.headers, bodyBytes: (request.body as Buffer | undefined)?.length ?? 0 }
    upstream.calls.push(call)
    const answer = await upstream.behave(call, upstream.calls.length - 1)
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs))
    return reply.status(answer.status).send(answer.body ?? { status: answer.status })
  })
  upstream.url = await server.listen({ host: '127.0.0.1', port: 0 })
  return upstream
}

export const BREAKER = { windowMs: 60_000, minRequests: 20, failureRatio: 0.1, openMs: 30_000 }

export async function startGateway(overrides: Partial<GatewayDeps['config']> & { redis?: Redis; namespace?: string; now?: () => number; logger?: GatewayDeps['logger'] }) {
  const registry = new Registry()
  const { redis, namespace, now, logger, ...config } = overrides
  const app = await buildGateway({
    config: {
      auth: HS_AUTH,
      upstreams: { features: 'http://127.0.0.1:9', liquidity: 'http://127.0.0.1:9' },
      rateLimitPerMinute: 10_000,
      upstreamTimeoutMs: 5_000,
      breaker: BREAKER,
      trustProxy: false,
      ...config,
    },
    redis,
    registry,
    rateLimitNamespace: namespace ?? `test:${randomUUID()}:`,
    now,
    logger: logger ?? false,
    defaultMetrics: false,
  })
  return { app, registry }
}
