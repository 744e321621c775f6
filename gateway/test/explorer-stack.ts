import type { FeatureSpecInput } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { bearer, signToken, startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { LIQUIDITY_SPECS } from '@lav/liquidity-svc/testing'
import { startGateway } from './harness'

// The explorer's tests run the real path: Chromium → gateway → feature-store-svc → PostgreSQL.

const HOUR = 3_600_000
export const READER = signToken({ sub: 'explorer-reader', scope: 'oracle.reader' })
const ADMIN = bearer('oracle.admin', 'explorer-admin')
const PUBLISHER = bearer('oracle.publisher', 'explorer-publisher')

export interface ExplorerStack {
  store: StoreHarness
  storeUrl: string
  gatewayUrl: string
  /** Stops the gateway alone: the page then finds nobody at its address. */
  stopGateway(): Promise<void>
  close(): Promise<void>
}

/** The store (seeded catalog, its own database), the gateway in front of it, nothing else. */
export async function startExplorerStack(options: { rateLimitPerMinute?: number } = {}): Promise<ExplorerStack> {
  const store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  // liquidity-svc is not on the explorer's path: its upstream is a closed port.
  const gateway = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: 'http://127.0.0.1:9' }, rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000 })
  const gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 })
  return {
    store,
    storeUrl,
    gatewayUrl,
    stopGateway: () => gateway.app.close(),
    close: async () => {
      await gateway.app.close()
      await store.close()
    },
  }
}

/** 120 days of the demo feeds for the nine liquidity features, as npm start backfills them. */
export async function backfillDemo(stack: ExplorerStack, now: number): Promise<void> {
  const publisher = createFeatureStoreClient({ baseUrl: stack.storeUrl, token: signToken({ sub: 'demo', scope: 'oracle.publisher' }), timeoutMs: 30_000 })
  const totals = await backfill({ specs: LIQUIDITY_SPECS, adapter: createMockAdapter(), publish: (points) => publisher.publish(points), days: 120, now })
  expect(totals.rejected).toBe(0)
}

export const GAPPY: FeatureSpecInput = {
  id: 'test/explorer/gappy_hourly_usd',
  entity: 'market',
  description: 'Hourly test series with two holes, for the explorer',
  unit: 'USD',
  frequency: '1h',
  ttl_ms: 2 * HOUR,
  tags: ['explorer', 'gappy'],
  source: { id: 'test:explorer', class: 'derived', schema: 'test_v1' },
  quality: { expected_range: [0, 1e6] },
  active: true,
}

/**
 * An hourly feature over the last 90 days with a 48-hour hole 20 days ago and a 6-hour hole 3 days
 * ago, so the chart has gaps to draw and coverage is below 1.
 */
export async function addGappyFeature(stack: ExplorerStack, now: number): Promise<void> {
  await createFeatures(stack, [GAPPY])
  const last = Math.floor(now / HOUR) * HOUR - HOUR
  const inHole = (ts: number) => (ts > now - 20 * 24 * HOUR && ts <= now - 18 * 24 * HOUR) || (ts > now - 3 * 24 * HOUR && ts <= now - 3 * 24 * HOUR + 6 * HOUR)
  const points = []
  for (let i = 0; i < 90 * 24; i++) {
    const ts = last - i * HOUR
    if (!inHole(ts)) points.push({ featureId: GAPPY.id, ts: new Date(ts).toISOString(), value: 1000 + 100 * Math.sin(i / 24) })
  }
  const response = await stack.store.app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: PUBLISHER, payload: points })
  expect(response.json()).toMatchObject({ rejected: 0 })
}

/** Catalog entries through the API, as an admin would add them: POST /catalog, sixteen at a time. */
export async function createFeatures(stack: ExplorerStack, specs: FeatureSpecInput[]): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]
      const response = await stack.store.app.inject({ method: 'POST', url: '/api/features/v1/catalog', headers: ADMIN, payload: spec })
      expect(response.statusCode).toBe(201)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
}

/** A page that records every script error and console error (CSP refusals are reported there). */
export async function openExplorer(browser: Browser, gatewayUrl: string, search = '', token: string | null = READER): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${gatewayUrl}/dashboard/explorer.html${search}${token ? `#token=${token}` : ''}`)
  return { page, errors }
}

/** The feature ids of the grid's rows in the DOM, top to bottom. */
export const gridIds = (page: Page) => page.locator('#grid-body [role=row] .feature').allInnerTexts()
/**
 * Every row the grid holds, in order, with its cells' text, read as a reader would: by scrolling
 * the grid from top to bottom (only the rows in view are in the DOM).
 */
export function allGridRows(page: Page): Promise<{ id: string; cells: string[] }[]> {
  return page.evaluate(async () => {
    const grid = document.getElementById('grid') as HTMLElement
    const byIndex = new Map<number, { id: string; cells: string[] }>()
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
    for (let top = 0; top <= grid.scrollHeight; top += Math.max(1, grid.clientHeight / 2)) {
      grid.scrollTop = top
      await frame()
      for (const row of grid.querySelectorAll<HTMLElement>('#grid-body [role=row]')) {
        const cells = [...row.querySelectorAll<HTMLElement>('[role=gridcell]')].map((cell) => cell.innerText.trim())
        byIndex.set(Number(row.dataset.index), { id: row.dataset.id as string, cells })
      }
    }
    grid.scrollTop = 0
    await frame()
    return [...byIndex].sort(([a], [b]) => a - b).map(([, row]) => row)
  })
}

export const allGridIds = async (page: Page) => (await allGridRows(page)).map((row) => row.id)

/** The search params of the page's address. */
export const searchOf = (page: Page) => new URL(page.url()).searchParams

export async function apiGet<T>(gatewayUrl: string, path: string, token = READER): Promise<T> {
  const response = await fetch(`${gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  return (await response.json()) as T
}
