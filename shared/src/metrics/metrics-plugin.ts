import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Histogram, type Registry } from 'prom-client'

export interface MetricsOptions {
  registry: Registry
  /** Default process metrics once per registry; tests that build many apps may turn them off. */
  defaultMetrics?: boolean
}

async function metricsPlugin(app: FastifyInstance, { registry, defaultMetrics = true }: MetricsOptions): Promise<void> {
  if (defaultMetrics) collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: ids in paths would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched'
    if (route === '/metrics') return
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}

export const metrics = fp(metricsPlugin, { name: 'lav-metrics', fastify: '5.x' })
