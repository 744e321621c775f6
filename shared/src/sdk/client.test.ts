import { createServer } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FeatureSpec, LatestPoint, PublishPoint } from '../contracts/index'
import {
  createFeatureStoreClient,
  FeatureStoreError,
  FeatureStoreNetworkError,
  FeatureStoreTimeoutError,
  isFeatureStoreError,
  type FeatureStoreClientOptions,
} from './index'

const PREFIX = '/api/features/v1'
const WALCL = 'macro/us/walcl_total_usd'
const SPEC: FeatureSpec = {
  id: WALCL,
  entity: 'macro',
  description: 'Fed total assets',
  unit: 'USD',
  frequency: '1w',
  ttl_ms: 1_209_600_000,
  tags: ['fed', 'liquidity'],
  source: { id: 'fred', class: 'macro', schema: 'fred.v1' },
  version: 1,
  active: true,
}
const LATEST: LatestPoint = {
  featureId: WALCL,
  ts: '2025-10-15T00:00:00Z',
  value: 6.6e12,
  confidence: 1,
  stale: false,
  ingested_at: '2025-10-16T00:00:00Z',
  age_ms: 1000,
}
const POINTS: PublishPoint[] = [{ featureId: WALCL, ts: '2025-10-15T00:00:00Z', value: 6.6e12 }]

type Step = { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number }
type Received = { route: string; url: string; headers: Record<string, unknown>; at: number }

const received: Received[] = []
const script = new Map<string, Step[]>()
let app: FastifyInstance
let origin: string

/** The next requests to `route` (e.g. "GET /latest") answer with these steps, in order. */
function plan(route: string, ...steps: Step[]): void {
  script.set(route, steps)
}

function attempts(route: string): Received[] {
  return received.filter((request) => request.route === route)
}

function notFound(id: string) {
  return { statusCode: 404, code: 'FEATURE_NOT_FOUND', error: 'Not Found', message: `no feature ${id}`, requestId: 'req-1' }
}

function client(options: Partial<FeatureStoreClientOptions> = {}) {
  return createFeatureStoreClient({ baseUrl: origin, token: 'test-token', retryBaseDelayMs: 1, ...options })
}

async function playStep(step: Step, reply: FastifyReply): Promise<boolean> {
  if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs))
  if (step.status === undefined) return false
  await reply.code(step.status).headers(step.headers ?? {}).send(step.body ?? '')
  return true
}

function buildTestServer(): FastifyInstance {
  const server = Fastify()
  server.addHook('preHandler', async (request, reply) => {
    const route = `${request.method} ${request.routeOptions.url?.slice(PREFIX.length)}`
    received.push({ route, url: request.url, headers: { ...request.headers }, at: Date.now() })
    const step = script.get(route)?.shift()
    if (step && (await playStep(step, reply))) return reply
  })
  server.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.headers['x-correlation-id'] ?? 'server-made-id')
  })
  server.get(`${PREFIX}/catalog`, async () => [SPEC])
  server.get<{ Params: { id: string } }>(`${PREFIX}/catalog/:id`, async (request, reply) =>
    request.params.id === WALCL ? SPEC : reply.code(404).send(notFound(request.params.id)),
  )
  server.get(`${PREFIX}/latest`, async () => LATEST)
  server.post<{ Body: { featureIds: string[] } }>(`${PREFIX}/query`, async (request) =>
    request.body.featureIds.map((featureId) => ({ featureId, points: [] })),
  )
  server.post<{ Body: unknown[] }>(`${PREFIX}/publish`, async (request) => ({
    accepted: request.body.length,
    rejected: 0,
    errors: [],
  }))
  server.get(`${PREFIX}/dq`, async () => ({ ok: true, features: [] }))
  return server
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

beforeAll(async () => {
  app = buildTestServer()
  origin = await app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(() => app.close())
beforeEach(() => {
  received.length = 0
  script.clear()
})

describe('feature store SDK: requests', () => {
  it('sends the catalog filter, bearer token, accept and user agent', async () => {
    const specs = await client({ userAgent: 'sdk-test/1' }).catalog({ entity: 'macro', tags: ['fed', 'liquidity'] })

    expect(specs).toEqual([SPEC])
    const [request] = attempts('GET /catalog')
    expect(request?.url).toBe(`${PREFIX}/catalog?entity=macro&tags=fed%2Cliquidity`)
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer test-token',
      accept: 'application/json',
      'user-agent': 'sdk-test/1',
    })
    expect(request?.headers).not.toHaveProperty('x-correlation-id')
  })

  it('URL-encodes a feature id as one path segment', async () => {
    expect(await client().feature(WALCL)).toEqual(SPEC)
    expect(attempts('GET /catalog/:id')[0]?.url).toBe(`${PREFIX}/catalog/macro%2Fus%2Fwalcl_total_usd`)
  })

  it('reads latest, query, publish and dq with their query strings and bodies', async () => {
    const sdk = client()
    expect(await sdk.latest(WALCL)).toEqual(LATEST)
    expect(await sdk.query({ featureIds: [WALCL], agg: 'last' })).toEqual([{ featureId: WALCL, points: [] }])
    expect(await sdk.publish(POINTS)).toEqual({ accepted: 1, rejected: 0, errors: [] })
    expect(await sdk.dq({ featureId: WALCL, since: '2025-10-01T00:00:00Z' })).toEqual({ ok: true, features: [] })

    expect(attempts('GET /latest')[0]?.url).toBe(`${PREFIX}/latest?featureId=${encodeURIComponent(WALCL)}`)
    await sdk.latest(WALCL, { consistency: 'strong' })
    expect(attempts('GET /latest')[1]?.url).toBe(`${PREFIX}/latest?featureId=${encodeURIComponent(WALCL)}&consistency=strong`)
    expect(attempts('GET /dq')[0]?.url).toBe(
      `${PREFIX}/dq?featureId=${encodeURIComponent(WALCL)}&since=${encodeURIComponent('2025-10-01T00:00:00Z')}`,
    )
    expect(attempts('POST /publish')[0]?.headers['content-type']).toBe('application/json')
  })

  it('asks for the latest point as of an instant (knowledge time)', async () => {
    await client().latest(WALCL, { asOf: '2025-10-16T12:00:00Z' })
    expect(attempts('GET /latest')[0]?.url).toBe(`${PREFIX}/latest?featureId=${encodeURIComponent(WALCL)}&asOf=${encodeURIComponent('2025-10-16T12:00:00Z')}`)
  })

  it('sends the correlation id of the client, of withCorrelationId and of a single call', async () => {
    const sdk = client({ correlationId: 'client-id' })
    await sdk.latest(WALCL)
    await sdk.withCorrelationId('derived-id').latest(WALCL)
    await sdk.latest(WALCL, { correlationId: 'call-id' })
    await sdk.latest(WALCL)

    const ids = attempts('GET /latest').map((request) => request.headers['x-correlation-id'])
    expect(ids).toEqual(['client-id', 'derived-id', 'call-id', 'client-id'])
  })

  it('asks the token provider on every attempt so a retry carries the fresh token', async () => {
    let issued = 0
    const tokenProvider = async () => `token-${++issued}`
    plan('GET /latest', { status: 503 })

    await client({ tokenProvider }).latest(WALCL)

    expect(attempts('GET /latest').map((request) => request.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ])
  })
})

describe('feature store SDK: errors', () => {
  it('throws FeatureStoreError with the code, body and correlation id of a 404', async () => {
    const error = await client()
      .feature('macro/us/missing', { correlationId: 'corr-404' })
      .catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(FeatureStoreError)
    expect(error).toMatchObject({
      status: 404,
      code: 'FEATURE_NOT_FOUND',
      body: notFound('macro/us/missing'),
      correlationId: 'corr-404',
    })
    expect(attempts('GET /catalog/:id')).toHaveLength(1)
  })

  it('names a non-contract error body HTTP_<status>, keeps its text and does not retry a 500', async () => {
    plan('GET /latest', { status: 500, headers: { 'content-type': 'text/plain' }, body: 'upstream exploded' })

    const error = await client().latest(WALCL).catch((caught: unknown) => caught)

    expect(error).toMatchObject({ status: 500, code: 'HTTP_500', body: 'upstream exploded', correlationId: 'server-made-id' })
    expect(attempts('GET /latest')).toHaveLength(1)
  })

  it('throws FeatureStoreTimeoutError when an attempt outlives timeoutMs, retrying a GET', async () => {
    plan('GET /latest', { delayMs: 300 }, { delayMs: 300 })

    const error = await client({ timeoutMs: 50, retries: 1 }).latest(WALCL).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(FeatureStoreTimeoutError)
    expect(error).toBeInstanceOf(FeatureStoreError)
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT' })
    expect(attempts('GET /latest')).toHaveLength(2)
  })

  it('throws FeatureStoreNetworkError when nothing listens, after the retries', async () => {
    const port = await closedPort()
    const sdk = createFeatureStoreClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 2, retryBaseDelayMs: 1 })

    const error = await sdk.catalog().catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(FeatureStoreNetworkError)
    expect(error).toMatchObject({ status: 0, code: 'NETWORK' })
    expect(isFeatureStoreError(error)).toBe(true)
    expect(isFeatureStoreError(new Error('other'))).toBe(false)
  })
})

describe('feature store SDK: retries', () => {
  it('retries a GET that fails twice with 503 and returns the third answer', async () => {
    plan('GET /catalog', { status: 503 }, { status: 503 })

    expect(await client().catalog()).toEqual([SPEC])
    expect(attempts('GET /catalog')).toHaveLength(3)
  })

  it('gives up after `retries` and throws the last answer', async () => {
    plan('GET /catalog', { status: 503 }, { status: 502 }, { status: 504 }, { status: 503 })

    const error = await client({ retries: 2 }).catalog().catch((caught: unknown) => caught)

    expect(error).toMatchObject({ status: 504, code: 'HTTP_504' })
    expect(attempts('GET /catalog')).toHaveLength(3)
  })

  it('retries POST /query, which only reads', async () => {
    plan('POST /query', { status: 502 }, { status: 504 })

    expect(await client().query({ featureIds: [WALCL] })).toEqual([{ featureId: WALCL, points: [] }])
    expect(attempts('POST /query')).toHaveLength(3)
  })

  it('does not retry publish on 503 by default', async () => {
    plan('POST /publish', { status: 503 })

    const error = await client().publish(POINTS).catch((caught: unknown) => caught)

    expect(error).toMatchObject({ status: 503 })
    expect(attempts('POST /publish')).toHaveLength(1)
  })

  it('retries publish when the client or the call opts in', async () => {
    plan('POST /publish', { status: 503 })
    expect(await client({ retryPublish: true }).publish(POINTS)).toMatchObject({ accepted: 1 })

    plan('POST /publish', { status: 503 })
    expect(await client().publish(POINTS, { retryPublish: true })).toMatchObject({ accepted: 1 })

    expect(attempts('POST /publish')).toHaveLength(4)
  })

  it('waits the retry-after of a 429 before the next attempt', async () => {
    plan('GET /latest', { status: 429, headers: { 'retry-after': '1' } })

    expect(await client().latest(WALCL)).toEqual(LATEST)

    const [first, second] = attempts('GET /latest')
    // Without retry-after the backoff here is ~1 ms; the wait only comes from the header.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900)
  })
})
