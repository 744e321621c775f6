import { exitOnStartFailure, runService } from '@lav/shared'
import { Registry } from 'prom-client'
import { buildGateway } from './app'
import { loadGatewayConfig } from './config'
import { createRateLimitRedis, whenConnected } from './ratelimit/redis-client'

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env)
  const redis = config.redisUrl ? createRateLimitRedis(config.redisUrl, config.rateLimitRedisTimeoutMs) : undefined
  if (redis && !(await whenConnected(redis))) console.warn('Redis did not answer at start: rate limits fail open until it does')
  const app = await buildGateway({ config, redis, registry: new Registry(), logger: { level: config.logLevel } })
  if (!redis) app.log.warn('REDIS_URL is not set: rate limits are kept in memory, per gateway process')

  await runService(app, { host: config.host, port: config.port, onClose: () => redis?.disconnect() })
}

main().catch(exitOnStartFailure)
