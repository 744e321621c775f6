import { exitOnStartFailure, runService } from '@lav/shared'
import { DAY_MS } from '@lav/shared/time'
import { Registry } from 'prom-client'
import { buildApp } from './app'
import { createCacheRedis } from './cache/redis-client'
import { loadFeatureStoreConfig } from './config'
import { createDatabase, createPartitionManager } from '@lav/values-db'
import { prepareStore } from './startup'


async function main(): Promise<void> {
  const config = loadFeatureStoreConfig(process.env)
  const sql = createDatabase(config.databaseUrl, config.databasePoolMax)
  const prepared = await prepareStore(sql, config)
  const redis = config.redisUrl ? createCacheRedis(config.redisUrl, config.cacheTimeoutMs) : undefined
  redis?.on('error', () => {}) // reported through the cache metrics and /readyz, not as crashes
  const app = await buildApp({ config, sql, redis, registry: new Registry(), logger: { level: config.logLevel } })
  app.log.info(prepared, 'store prepared')
  if (!redis) app.log.warn('REDIS_URL is not set: running without the latest-value cache')

  // Partitions ahead are topped up daily so writes at the turn of a day never wait on DDL.
  const partitions = createPartitionManager(sql)
  const daily = setInterval(() => {
    partitions.ensureAhead(config.partitionDaysAhead).catch((error) => app.log.error({ err: error }, 'creating partitions ahead failed'))
  }, DAY_MS / 4)
  daily.unref()

  await runService(app, {
    host: config.host,
    port: config.port,
    onClose: async () => {
      clearInterval(daily)
      redis?.disconnect()
      await sql.end({ timeout: 5 })
    },
  })
}

main().catch(exitOnStartFailure)
