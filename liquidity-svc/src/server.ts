import { createFeatureStoreClient } from '@lav/shared/sdk'
import { exitOnStartFailure, runService } from '@lav/shared'
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

  await runService(app, { host: config.host, port: config.port })
}

main().catch(exitOnStartFailure)
