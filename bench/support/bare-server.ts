import Fastify from 'fastify'

/**
 * The baseline: plain Fastify, no auth, no validation, no storage. It answers with fixtures the
 * bench stores first (the service's own answers), so both sides send the same JSON bytes and the
 * ratio isolates what the service adds on top of HTTP and serialisation.
 */
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 })
const fixtures = new Map<string, unknown>()

app.get('/readyz', async () => ({ status: 'ready' }))

app.put<{ Params: { name: string } }>('/fixtures/:name', async (request) => {
  fixtures.set(request.params.name, request.body)
  return { stored: request.params.name }
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

process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
