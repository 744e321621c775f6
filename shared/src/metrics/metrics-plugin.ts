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
  // One pair of labelled children per (method, route, status), a bounded set: prom-client would
  // otherwise hash the label object on every request, twice.
  const recorders = new Map<string, { count: ReturnType<typeof requests.labels>; seconds: ReturnType<typeof duration.labels> }>()
  const recorderFor = (method: string, route: string, status: string) => {
    const key = `${method} ${status} ${route}`
    let recorder = recorders.get(key)
    if (!recorder) {
      recorder = { count: requests.labels(method, route, status), seconds: duration.labels(method, route, status) }
      recorders.set(key, recorder)
    }
    return recorder
  }
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url !== '/metrics') {
      const recorder = recorderFor(request.method, routeLabel(request), String(reply.statusCode))
      recorder.count.inc()
      recorder.seconds.observe(reply.elapsedTime / 1000)
    }
    done()
  })
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType)
    return registry.metrics()
  })
}

export const metrics = fp(metricsPlugin, { name: 'lav-metrics', fastify: '5.x' })
