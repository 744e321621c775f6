import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Histogram, type Registry } from 'prom-client'

export interface MetricsOptions {
  registry: Registry
  /** Default process metrics once per registry; tests that build many apps may turn them off. */
  defaultMetrics?: boolean
  /** The route label of a request; by default its route template. Must return a bounded set. */
  routeLabel?: (request: FastifyRequest) => string
}

// The route template, never the raw URL: ids in paths would explode the label set.
const templateOf = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched'

async function metricsPlugin(app: FastifyInstance, { registry, defaultMetrics = true, routeLabel = templateOf }: MetricsOptions): Promise<void> {
  if (defaultMetrics) collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url === '/metrics') return
    const labels = { method: request.method, route: routeLabel(request), status: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
  })
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}

export const metrics = fp(metricsPlugin, { name: 'lav-metrics', fastify: '5.x' })
