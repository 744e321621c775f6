import { createFeatureStoreClient } from '@lav/shared/sdk'
import { Registry } from 'prom-client'
import { buildApp } from './app'
import { loadLiquidityConfig } from './config'
import { loadFeedsFile } from './feeds/feeds-file'
import { createServiceTokenProvider } from './feeds/service-token'

async function main(): Promise<void> {
  const config = loadLiquidityConfig(process.env)
  const feeds = loadFeedsFile(config.feedsPath)
  const featureStore = createFeatureStoreClient({
    baseUrl: config.featureStoreUrl,
    tokenProvider: createServiceTokenProvider({ auth: config.auth, fixedToken: config.serviceToken, ttlSeconds: config.serviceTokenTtlSeconds }),
    timeoutMs: config.featureStoreTimeoutMs,
    // No retries: a second attempt after a timeout would break the 2-second answer budget.
    retries: 0,
    userAgent: 'lav-liquidity-svc',
  })
  const app = await buildApp({ config, featureStore, feeds, registry: new Registry(), logger: { level: config.logLevel } })

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  await app.listen({ host: config.host, port: config.port })
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
