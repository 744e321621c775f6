import Fastify from 'fastify'
import { Redis } from 'ioredis'

/**
 * The baseline: plain Fastify, no auth, no validation, no storage. It answers with fixtures the
 * bench stores first (the service's own answers), so both sides send the same JSON bytes and the
 * ratio isolates what the service adds on top of HTTP and serialisation.
 */
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 })
const fixtures = new Map<string, unknown>()
// The second reference of the latest bench: the same answer read from Redis on every request,
// with the client options the service uses for its cache (commands of one tick share a write).
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { enableAutoPipelining: true, maxRetriesPerRequest: 1 }) : undefined
const REDIS_FIXTURE_PREFIX = 'lav:bench:fixture:'

app.get('/readyz', async () => ({ status: 'ready' }))

app.put<{ Params: { name: string } }>('/fixtures/:name', async (request) => {
  fixtures.set(request.params.name, request.body)
  await redis?.hset(REDIS_FIXTURE_PREFIX + request.params.name, 'p', JSON.stringify(request.body))
  return { stored: request.params.name }
})

// One HMGET per request, no auth, validation, metrics or logging: the floor of a Redis-backed read.
app.get<{ Params: { name: string } }>('/redis-fixtures/:name', async (request, reply) => {
  const [payload] = (await redis?.hmget(REDIS_FIXTURE_PREFIX + request.params.name, 'p')) ?? []
  if (!payload) return reply.code(404).send({ message: `no fixture ${request.params.name} in Redis` })
  return reply.type('application/json; charset=utf-8').send(payload)
})

const serve = async (request: { params: { name: string } }, reply: { code(status: number): unknown }) => {
  if (!fixtures.has(request.params.name)) {
    reply.code(404)
    return { message: `no fixture ${request.params.name}` }
  }
  return fixtures.get(request.params.name)
}
app.get<{ Params: { name: string } }>('/fixtures/:name', serve)
// POST so the baseline also reads and parses a request body, as POST /query does.
app.post<{ Params: { name: string } }>('/fixtures/:name', serve)

process.once('SIGTERM', () => void app.close().then(() => redis?.quit()).then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
