import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Registry } from 'prom-client'
import { authenticationPlugin } from '../auth/auth-plugin'
import type { AuthConfig } from '../config/auth-config'
import { errorHandler } from '../errors/error-handler'
import { correlation, correlationIdFrom } from '../logging/correlation'
import { metrics } from '../metrics/metrics-plugin'
import { registerOpenApi, type OpenApiInfo } from './openapi'

export interface BaseAppOptions {
  /** Omitted by services that serve no protected route (the export worker: health and metrics only). */
  auth?: AuthConfig
  registry: Registry
  logger?: FastifyBaseLogger | { level: string } | false
  bodyLimit?: number
  defaultMetrics?: boolean
  openapi?: OpenApiInfo
  routeLabel?: (request: FastifyRequest) => string
  /** The gateway writes its own access line per request instead of Fastify's two. */
  disableRequestLogging?: boolean
  trustProxy?: boolean
}

export type ZodApp = FastifyInstance<any, any, any, FastifyBaseLogger, ZodTypeProvider>

/** Everything every service shares: zod compilers, correlation ids, errors, metrics, JWT auth when given. */
export async function createBaseApp(options: BaseAppOptions): Promise<ZodApp> {
  const logger = options.logger ?? { level: 'info' }
  const app = Fastify({
    ...(isLogger(logger) ? { loggerInstance: logger } : { logger: withRedaction(logger) }),
    genReqId: correlationIdFrom,
    logController: new LogController({ requestIdLogLabel: 'correlationId', disableRequestLogging: options.disableRequestLogging ?? false }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Body parsing is lazy by design: auth in onRequest rejects before the JSON is read.
    return503OnClosing: true,
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(correlation)
  await app.register(errorHandler)
  await app.register(metrics, { registry: options.registry, defaultMetrics: options.defaultMetrics, routeLabel: options.routeLabel })
  if (options.auth) await app.register(authenticationPlugin, options.auth)
  // Registered before any route so every route's schema lands in the document.
  if (options.openapi) await registerOpenApi(app, options.openapi)
  return app
}

function isLogger(logger: BaseAppOptions['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && 'child' in logger
}

function withRedaction(logger: { level: string } | false) {
  if (logger === false) return false
  // Where a line carries request headers (Fastify's req, or headers a handler logs), the token is
  // cut. Explicit paths only: a wildcard made pino walk every line's keys, a tenth of a cached read.
  return { ...logger, redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' } }
}
