import Fastify from 'fastify'
import { Pool } from 'undici'

/**
 * The floor of any proxy hop on this machine: plain Fastify forwarding GETs to UPSTREAM_URL on
 * the same kind of keep-alive undici pool as the gateway, and nothing else (no auth, rate limit,
 * breaker, metrics or logging). The gateway bench runs it beside the gateway, so what the
 * gateway's own features cost and what the extra hop costs show up separately.
 */
const upstream = new Pool(process.env.UPSTREAM_URL ?? '', { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 })
const app = Fastify({ logger: false })

app.get('/readyz', async () => ({ status: 'ready' }))
app.get('/*', async (request, reply) => {
  const answer = await upstream.request({ method: 'GET', path: request.url, headers: { authorization: request.headers.authorization ?? '' } })
  const body = Buffer.from(await answer.body.arrayBuffer())
  reply.code(answer.statusCode).header('content-type', answer.headers['content-type'])
  return reply.send(body)
})

process.once('SIGTERM', () => void app.close().then(() => upstream.close()).then(() => process.exit(0)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.BARE_PORT ?? 0) })
