import { createFeatureStoreClient } from '@lav/shared/sdk'
import { backfill, type BackfillTotals, createDemoFeed, createMockAdapter, createResilientLoader } from '@lav/feature-store-svc/ingest'

export interface DemoBackfillOptions {
  baseUrl: string
  token: string
  days: number
  log?: (message: string) => void
}

/**
 * Publishes mock history through the store's HTTP API: the same validation path as any
 * publisher, so a backfill can never write what a client could not.
 */
export async function runDemoBackfill({ baseUrl, token, days, log }: DemoBackfillOptions): Promise<BackfillTotals> {
  const client = createFeatureStoreClient({ baseUrl, token, timeoutMs: 60_000, userAgent: 'lav-backfill' })
  const specs = await client.catalog()
  const adapter = createResilientLoader(createMockAdapter())
  return backfill({
    specs,
    adapter,
    publish: (points) => client.publish(points, { retryPublish: true }),
    days,
    now: Date.now(),
    log: log ? { info: (details, message) => log(`${message} ${JSON.stringify(details)}`) } : undefined,
  })
}

/** Live mock points from now on, each feature on its frequency (or `speed` times faster), but those in `exclude`. */
export async function startDemoFeed({ baseUrl, tokenProvider, speed, log, exclude = new Set() }: { baseUrl: string; tokenProvider: () => string; speed: number; log: (message: string) => void; exclude?: ReadonlySet<string> }) {
  const client = createFeatureStoreClient({ baseUrl, tokenProvider, timeoutMs: 30_000, userAgent: 'lav-demo-feed' })
  const feed = createDemoFeed({
    // In shadow mode the features a real source serves are left to it.
    specs: (await client.catalog()).filter((spec) => !exclude.has(spec.id)),
    publish: (points) => client.publish(points, { retryPublish: true }),
    speed,
    onError: (error) => log(`demo feed: publish failed, will retry on the next tick: ${(error as Error).message}`),
  })
  feed.start()
  return feed
}
