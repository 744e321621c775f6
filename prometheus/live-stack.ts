import { createFeatureStoreClient, type FeatureStoreClient } from '@lav/shared/sdk'
import { inject } from 'vitest'
import { listenExportWorker } from '@lav/export-worker/testing'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { signToken, startStore, TEST_AUTH } from '@lav/feature-store-svc/testing'
import { createRateLimitRedis, whenConnected } from '@lav/gateway/ratelimit'
import { startGateway } from '@lav/gateway/testing'
import { buildLiquidity, LIQUIDITY_SPECS } from '@lav/liquidity-svc/testing'

/** The demo history of `npm start`: enough for the 60-day z window and the regime's smoothing. */
const DEMO_DAYS = 120

/** Scrape targets (host:port) by the job names of prometheus/prometheus.yml. */
export type Targets = Record<'feature-store-svc' | 'gateway' | 'liquidity-svc' | 'export-worker', string>

export interface LiveStack {
  targets: Targets
  /** The gateway's base URL: clients go through it, as in production. */
  gatewayUrl: string
  /** SDK clients through the gateway with a publisher and a reader token. */
  publisher: FeatureStoreClient
  readerToken: string
  close(): Promise<void>
}

const hostPort = (url: string) => new URL(url).host

/**
 * The four services in this process, each built by its own buildApp and listening on port 0, on
 * the run's real PostgreSQL, Redis and S3: the store holds 120 days of mock data for the nine
 * liquidity feeds, and liquidity-svc and the gateway reach it over real sockets.
 */
export async function startLiveStack(): Promise<LiveStack> {
  const closers: Array<() => Promise<unknown> | unknown> = []
  const close = async () => {
    for (const closer of closers.reverse()) await Promise.resolve(closer()).catch(() => {})
  }
  try {
    const store = await startStore()
    closers.push(() => store.close())
    const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
    const now = await backfillDemo(storeUrl)

    // Frozen at the end of the backfill, as liquidity-svc's own integration test does: the
    // evaluation is cached per minute of `now`, so every scrape after the warm-up below is a
    // cache hit, and the 1 s scrape timeout never meets a cold evaluation.
    const liquidity = await buildLiquidity({ storeUrl, now: () => now })
    closers.push(() => liquidity.app.close())
    const liquidityUrl = await liquidity.app.listen({ host: '127.0.0.1', port: 0 })
    await liquidity.app.inject({ method: 'GET', url: '/metrics' })

    const gatewayUrl = await startGatewayApp(storeUrl, liquidityUrl, closers)
    const exportUrl = await listenExportWorker(store, closers)
    return {
      targets: { 'feature-store-svc': hostPort(storeUrl), gateway: hostPort(gatewayUrl), 'liquidity-svc': hostPort(liquidityUrl), 'export-worker': hostPort(exportUrl) },
      gatewayUrl,
      publisher: createFeatureStoreClient({ baseUrl: gatewayUrl, token: signToken({ sub: 'live-scrape', scope: 'oracle.publisher' }), timeoutMs: 10_000 }),
      readerToken: signToken({ sub: 'live-scrape', scope: 'oracle.reader' }),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** Publishes the demo history through the SDK; returns the instant it ends at. */
async function backfillDemo(storeUrl: string): Promise<number> {
  const now = Date.now()
  const publisher = createFeatureStoreClient({ baseUrl: storeUrl, token: signToken({ sub: 'demo', scope: 'oracle.publisher' }), timeoutMs: 30_000 })
  const totals = await backfill({ specs: LIQUIDITY_SPECS, adapter: createMockAdapter(), publish: (points) => publisher.publish(points), days: DEMO_DAYS, now })
  if (totals.rejected > 0 || totals.accepted === 0) throw new Error(`demo backfill: ${JSON.stringify(totals)}`)
  return now
}

async function startGatewayApp(storeUrl: string, liquidityUrl: string, closers: Array<() => unknown>): Promise<string> {
  const redis = createRateLimitRedis(inject('redisUrl'), 500)
  closers.push(() => redis.disconnect())
  await whenConnected(redis)
  const { app } = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: liquidityUrl }, redis })
  closers.push(() => app.close())
  return app.listen({ host: '127.0.0.1', port: 0 })
}
