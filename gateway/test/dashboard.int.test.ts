import type { ZodApp } from '@lav/shared'
import type { DqReport, Hints, RegimeOutput } from '@lav/shared/contracts'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { signToken, startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { buildLiquidity, LIQUIDITY_SPECS } from '@lav/liquidity-svc/testing'
import { launchChromium } from '../../test/support/browser'
import { DASHBOARD_CSP } from '../src/dashboard/dashboard-routes'
import { startGateway } from './harness'

// The whole path a reader's browser takes: Chromium → gateway → liquidity-svc and
// feature-store-svc (real services over sockets, 120 days of the demo dataset) and back.
const NOW = Date.now()
const READER = signToken({ sub: 'dashboard-reader', scope: 'oracle.reader' })
let store: StoreHarness
let liquidity: { app: ZodApp }
let liquidityStopped = false
let gateway: { app: ZodApp }
let gatewayUrl: string
let browser: Browser

beforeAll(async () => {
  store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  const publisher = createFeatureStoreClient({ baseUrl: storeUrl, token: signToken({ sub: 'demo', scope: 'oracle.publisher' }), timeoutMs: 30_000 })
  const totals = await backfill({ specs: LIQUIDITY_SPECS, adapter: createMockAdapter(), publish: (points) => publisher.publish(points), days: 120, now: NOW })
  expect(totals.rejected).toBe(0)
  liquidity = await buildLiquidity({ storeUrl, now: () => NOW })
  const liquidityUrl = await liquidity.app.listen({ host: '127.0.0.1', port: 0 })
  gateway = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: liquidityUrl } })
  gatewayUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 })
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await gateway?.app.close()
  if (!liquidityStopped) await liquidity?.app.close()
  await store?.close()
})

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${gatewayUrl}${path}`, { headers: { authorization: `Bearer ${READER}` } })
  expect(response.status).toBe(200)
  return (await response.json()) as T
}

/** A page that records every script error and console error (CSP refusals are reported there). */
async function openPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(`${gatewayUrl}${path}`)
  return { page, errors }
}

const text = (page: Page, selector: string) => page.locator(selector).innerText()

describe('the dashboard in a browser', () => {
  it('shows the regime, components, hints, score history and every feature’s freshness the API gives', async () => {
    const { page, errors } = await openPage(`/dashboard/#token=${READER}`)
    await page.locator('#status.ok').waitFor()
    const [regime, hints, dq] = await Promise.all([api<RegimeOutput>('/api/liquidity/v1/regime/latest'), api<Hints>('/api/liquidity/v1/hints'), api<DqReport>('/api/features/v1/dq')])

    expect(await page.locator('#regime').getAttribute('data-state')).toBe(regime.state)
    expect(await text(page, '#state')).toBe(regime.state.toUpperCase())
    expect(await text(page, '#score')).toBe(`${Math.round(regime.score)} / 100`)
    expect(await text(page, '#confidence')).toBe(`${Math.round(regime.confidence * 100)} %`)
    expect(await page.locator('#components li .value').allInnerTexts()).toEqual(
      [regime.components.gl, regime.components.cn, regime.components.mp].map((z) => (z === null ? 'n/a' : (z >= 0 ? '+' : '') + z.toFixed(2))),
    )
    expect(await page.locator('#hints .stance').allInnerTexts()).toEqual([hints.market_neutral.stance, hints.directional.stance, hints.yield.stance])
    expect((await page.locator('#dq td.feature').allInnerTexts()).sort()).toEqual(dq.features.map((feature) => feature.featureId).sort())
    // 90 days of daily evaluations plus today's: one point each on the score line.
    expect((await page.locator('#history-line').getAttribute('points'))?.split(' ')).toHaveLength(91)

    // The token left the address bar at once and stays in this tab only.
    expect(page.url()).toBe(`${gatewayUrl}/dashboard/`)
    // The page links to the feature explorer.
    expect(await page.getByRole('link', { name: 'Feature explorer' }).first().getAttribute('href')).toBe('explorer.html')
    expect(await page.evaluate(() => sessionStorage.getItem('lav.dashboard.token'))).toBe(READER)
    expect(errors).toEqual([])
    await page.close()
  })

  it('without a token says how to get one, then shows the data once a token is pasted', async () => {
    const { page, errors } = await openPage('/dashboard/')
    await page.locator('#status.error').waitFor()
    expect(await text(page, '#status')).toContain('paste a token')
    expect(await text(page, '#state')).toBe('—')
    // The failed calls are the only console errors: the browser logs every 401 answer.
    expect(errors.every((error) => error.includes('401'))).toBe(true)

    await page.locator('#token').fill(READER)
    await page.locator('#token-form button[type=submit]').click()
    await page.locator('#status.ok').waitFor()
    expect(await text(page, '#state')).not.toBe('—')
    await page.close()
  })
})

describe('the dashboard when an upstream fails', () => {
  it('keeps the last figures, marked not updated, says why, and still refreshes the cards whose data came', async () => {
    const { page } = await openPage(`/dashboard/#token=${READER}`)
    await page.locator('#status.ok').waitFor()
    const shown = { state: await text(page, '#state'), score: await text(page, '#score') }
    for (const card of ['regime', 'trend', 'advice', 'quality']) expect(await page.locator(`#${card}`).getAttribute('data-stale')).toBe('false')

    await liquidity.app.close()
    liquidityStopped = true
    await page.locator('#refresh').click()
    await page.locator('#status.error').waitFor()
    expect(await text(page, '#status')).toBe('The API answered 502: liquidity could not be reached')
    for (const card of ['regime', 'trend', 'advice']) expect(await page.locator(`#${card}`).getAttribute('data-stale')).toBe('true')
    expect(await page.locator('#quality').getAttribute('data-stale')).toBe('false')
    expect(await text(page, '#state')).toBe(shown.state)
    expect(await text(page, '#score')).toBe(shown.score)
    expect(await page.locator('#regime h2').evaluate((title) => getComputedStyle(title, '::after').content)).toContain('not updated')
    await page.close()
  })
})

describe('the dashboard’s files', () => {
  it('are served without a token, under a policy that allows only this origin’s scripts and styles', async () => {
    const root = await gateway.app.inject({ method: 'GET', url: '/' })
    expect(root.statusCode).toBe(302)
    expect(root.headers.location).toBe('/dashboard/')
    expect((await gateway.app.inject({ method: 'GET', url: '/dashboard' })).headers.location).toBe('/dashboard/')
    for (const [file, type] of [
      ['', 'text/html'],
      ['dashboard.js', 'javascript'],
      ['view-model.js', 'javascript'],
      ['dashboard.css', 'text/css'],
      ['favicon.svg', 'image/svg+xml'],
      ['explorer.html', 'text/html'],
      ['explorer.js', 'javascript'],
      ['explorer.css', 'text/css'],
      ['vendor/uplot.js', 'javascript'],
      ['vendor/uplot.css', 'text/css'],
    ]) {
      const response = await gateway.app.inject({ method: 'GET', url: `/dashboard/${file}` })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toContain(type)
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP)
      expect(response.headers['x-content-type-options']).toBe('nosniff')
    }
    expect(DASHBOARD_CSP).toContain("script-src 'self'")
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline')
    expect((await gateway.app.inject({ method: 'GET', url: '/dashboard/../app.ts' })).statusCode).toBe(404)
    expect((await gateway.app.inject({ method: 'GET', url: '/dashboard/nothing.js' })).statusCode).toBe(404)
    // The type declarations that let tsc check the pages are not for browsers.
    expect((await gateway.app.inject({ method: 'GET', url: '/dashboard/vendor/uplot.d.ts' })).statusCode).toBe(404)
    // The explorer's short address keeps the view it names.
    const short = await gateway.app.inject({ method: 'GET', url: '/dashboard/explorer?entity=macro&feature=a%2Fb' })
    expect(short.statusCode).toBe(302)
    expect(short.headers.location).toBe('/dashboard/explorer.html?entity=macro&feature=a%2Fb')
  })

  it('the API it calls still needs a token: the page is public, the data is not', async () => {
    const response = await fetch(`${gatewayUrl}/api/liquidity/v1/regime/latest`)
    expect(response.status).toBe(401)
  })
})
