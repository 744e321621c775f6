import { createBaseApp, type ZodApp } from '@lav/shared'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { Gauge, type Registry } from 'prom-client'
import type { GatewayConfig } from './config'
import { dashboardRoutes } from './dashboard/dashboard-routes'
import { docsRoutes } from './docs/docs-routes'
import { upstreamProxy } from './proxy/upstream-proxy'
import { registerRateLimit } from './ratelimit/rate-limit'
import { createCircuitBreaker, type BreakerState, type CircuitBreaker } from './resilience/circuit-breaker'
import { healthRoutes } from './routes/health-routes'
import { routeLabel, UPSTREAM_PREFIXES, type UpstreamName } from './routing/route-table'

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'auth' | 'upstreams' | 'rateLimitPerMinute' | 'upstreamTimeoutMs' | 'breaker' | 'trustProxy'>
  redis?: Redis
  registry: Registry
  logger?: FastifyBaseLogger | { level: string } | false
  rateLimitNamespace?: string
  now?: () => number
  defaultMetrics?: boolean
}

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 }

function createBreakers(deps: GatewayDeps): Record<UpstreamName, CircuitBreaker> {
  const gauge = new Gauge({ name: 'gateway_circuit_state', help: 'Circuit breaker per upstream: 0 closed, 1 half-open, 2 open', labelNames: ['upstream'] as const, registers: [deps.registry] })
  const make = (upstream: UpstreamName) => {
    gauge.set({ upstream }, 0)
    return createCircuitBreaker({ ...deps.config.breaker, probeTimeoutMs: deps.config.upstreamTimeoutMs + 1_000, now: deps.now, onStateChange: (state) => gauge.set({ upstream }, STATE_VALUE[state]) })
  }
  return { features: make('features'), liquidity: make('liquidity') }
}

/** The gateway: the only door for HTTP clients. Not listening; server.ts wires and listens. */
export async function buildGateway(deps: GatewayDeps): Promise<ZodApp> {
  const app = await createBaseApp({
    auth: deps.config.auth,
    registry: deps.registry,
    logger: deps.logger,
    defaultMetrics: deps.defaultMetrics,
    disableRequestLogging: true,
    trustProxy: deps.config.trustProxy,
    routeLabel: (request) => routeLabel(request.url),
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: routeLabel(request.url), status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 100) / 100, sub: request.principal?.sub },
      'access',
    )
  })
  await registerRateLimit(app, { perMinute: deps.config.rateLimitPerMinute, redis: deps.redis, namespace: deps.rateLimitNamespace, registry: deps.registry })
  await app.register(healthRoutes, { upstreams: deps.config.upstreams, redis: deps.redis })
  await app.register(docsRoutes, {
    sources: [
      { name: 'feature-store-svc', url: deps.config.upstreams.features },
      { name: 'liquidity-svc', url: deps.config.upstreams.liquidity },
    ],
  })
  await app.register(dashboardRoutes)
  const breakers = createBreakers(deps)
  for (const name of Object.keys(UPSTREAM_PREFIXES) as UpstreamName[]) {
    await app.register(upstreamProxy, { name, url: deps.config.upstreams[name], pathPrefix: UPSTREAM_PREFIXES[name], breaker: breakers[name], timeoutMs: deps.config.upstreamTimeoutMs })
  }
  return app
}
