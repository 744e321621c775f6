import type { FeatureSpec, FeatureSpecInput } from '@lav/shared/contracts'
import { createSigner } from 'fast-jwt'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, signToken, TEST_AUTH } from '@lav/feature-store-svc/testing'
import { launchChromium } from '../../test/support/browser'
import { allGridIds, apiGet, createFeatures, gridIds, openExplorer, searchOf, startExplorerStack, type ExplorerStack } from './explorer-stack'

// A catalog of 2,000 more features than the seed, and the failures a reader meets: an expired
// token, a rate limit, a gateway that is gone. Real gateway and feature-store-svc throughout.
const EXTRA = 2_000
const HOUR = 3_600_000
const NOW = Date.now()
let big: ExplorerStack
let browser: Browser
let catalog: FeatureSpec[]

const synthetic = (i: number): FeatureSpecInput => ({
  id: `synthetic/set_${String(i % 20).padStart(2, '0')}/feature_${String(i).padStart(5, '0')}`,
  entity: (['asset', 'pair', 'market', 'macro'] as const)[i % 4] as FeatureSpecInput['entity'],
  description: `Synthetic feature number ${i}`,
  unit: 'USD',
  frequency: '1h',
  ttl_ms: 2 * HOUR,
  tags: [`group-${i % 10}`, i % 2 ? 'odd' : 'even'],
  source: { id: 'test:synthetic', class: 'derived', schema: 'test_v1' },
  active: true,
})

beforeAll(async () => {
  big = await startExplorerStack()
  const specs = Array.from({ length: EXTRA }, (_, i) => synthetic(i))
  await createFeatures(big, specs)
  // Every third feature has a point an hour old; every ninth with a doubtful confidence.
  const points = specs.filter((_, i) => i % 3 === 0).map((spec, k) => ({ featureId: spec.id, ts: new Date(NOW - HOUR).toISOString(), value: k, confidence: k % 3 === 0 ? 0.3 : 0.9 }))
  const published = await big.store.app.inject({ method: 'POST', url: '/api/features/v1/publish', headers: bearer('oracle.publisher'), payload: points })
  expect(published.json()).toMatchObject({ rejected: 0 })
  catalog = await apiGet<FeatureSpec[]>(big.gatewayUrl, '/api/features/v1/catalog')
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await big?.close()
})

const gridReady = (page: Page) => page.locator('#status.ok').waitFor()

describe(`a catalog of ${EXTRA.toLocaleString('en-US')} more features`, () => {
  it('renders only the rows in view, scrolls to the end by keyboard, and filters at once', async () => {
    const { page, errors } = await openExplorer(browser, big.gatewayUrl)
    await gridReady(page)
    expect(catalog.length).toBe(EXTRA + 23)
    expect(await page.locator('#count').innerText()).toBe(`${catalog.length.toLocaleString('en-US')} features`)
    expect(await page.locator('#grid').getAttribute('aria-rowcount')).toBe(String(catalog.length + 1))
    expect(await page.locator('#grid-body [role=row]').count()).toBeLessThan(60)

    await page.locator('#grid').focus()
    await page.keyboard.press('End')
    const last = catalog.map((spec) => spec.id).sort().at(-1) as string
    await page.locator(`#grid-body [role=row][data-id="${last}"]`).waitFor()
    expect(await page.locator('#grid').getAttribute('aria-activedescendant')).toBe(`row-${catalog.length - 1}`)
    expect(await page.locator('#grid-body [role=row]').count()).toBeLessThan(60)

    await page.locator('#f-q').fill('feature_0199')
    await page.waitForURL(/q=feature_0199/)
    expect(await gridIds(page)).toEqual(Array.from({ length: 10 }, (_, i) => synthetic(1990 + i).id).sort())
    expect(errors).toEqual([])
    await page.close()
  })

  it('gives every row its health: fresh, low confidence and no data from one DQ call', async () => {
    const { page } = await openExplorer(browser, big.gatewayUrl, '?tags=group-0,even&entity=asset')
    await gridReady(page)
    const expected = Array.from({ length: EXTRA }, (_, i) => synthetic(i)).filter((spec) => spec.tags.includes('group-0') && spec.entity === 'asset')
    expect(expected.length).toBe(EXTRA / 20)
    expect(await allGridIds(page)).toEqual(expected.map((spec) => spec.id).sort())
    await page.locator('#f-clear').click()
    await page.waitForURL((url) => url.search === '')
    const health = async (i: number) => page.locator(`#grid-body [role=row][data-id="${synthetic(i).id}"] .health`).innerText()
    // i = 0 (k = 0): confidence 0.3; i = 30 (k = 10): 0.9; i = 10: no point.
    await page.locator('#f-q').fill('feature_00000')
    await page.waitForURL(/q=feature_00000/)
    expect(await health(0)).toBe('◐ low confidence')
    await page.locator('#f-q').fill('feature_00030')
    await page.waitForURL(/q=feature_00030/)
    expect(await health(30)).toBe('● fresh')
    await page.locator('#f-q').fill('feature_00010')
    await page.waitForURL(/q=feature_00010/)
    expect(await health(10)).toBe('○ no data')
    await page.close()
  })
})

const expiredToken = () =>
  createSigner({ key: TEST_AUTH.secret, algorithm: 'HS256', iss: TEST_AUTH.issuer, aud: TEST_AUTH.audience, expiresIn: 60_000, clockTimestamp: NOW - 2 * HOUR })({
    sub: 'explorer-reader',
    scope: 'oracle.reader',
  })

/** The page with a feature open and every card loaded once. */
async function loadedPage(gatewayUrl: string): Promise<Page> {
  const { page } = await openExplorer(browser, gatewayUrl, `?feature=${encodeURIComponent(synthetic(0).id)}`)
  await gridReady(page)
  await page.locator('#chart[data-points]').waitFor()
  return page
}

/** What stays on screen after a failed refresh: the same rows and feature, dimmed and labelled. */
async function expectLastDataDimmed(page: Page, rowsBefore: string[]) {
  expect(await gridIds(page)).toEqual(rowsBefore)
  expect(await page.locator('#catalog').getAttribute('data-stale')).toBe('true')
  expect(await page.locator('#detail').getAttribute('data-stale')).toBe('true')
  expect(await page.locator('#d-id').innerText()).toBe(synthetic(0).id)
  expect(await page.locator('#catalog h2').evaluate((title) => getComputedStyle(title, '::after').content)).toContain('not updated')
  expect(await page.locator('#catalog').evaluate((card) => Number(getComputedStyle(card).opacity))).toBeLessThan(1)
}

describe('when the API refuses or is gone', () => {
  it('an expired token gets a message saying so; the last good data stays, dimmed', async () => {
    const page = await loadedPage(big.gatewayUrl)
    const rowsBefore = await gridIds(page)
    await page.evaluate((token) => sessionStorage.setItem('lav.dashboard.token', token), expiredToken())
    await page.locator('#refresh').click()
    await page.locator('#status.error').waitFor()
    expect(await page.locator('#status').innerText()).toContain('The token is missing, expired or not valid here')
    await expectLastDataDimmed(page, rowsBefore)
    await page.close()
  })

  it('a token without oracle.reader gets a message naming the scope, and nothing is shown', async () => {
    const { page } = await openExplorer(browser, big.gatewayUrl, '', signToken({ sub: 'no-reader', scope: 'metrics.viewer' }))
    await page.locator('#status.error').waitFor()
    expect(await page.locator('#status').innerText()).toBe('This token lacks the oracle.reader scope.')
    expect(await page.locator('#grid-body [role=row]').count()).toBe(0)
    await page.close()
  })

  it('a rate limit says how long to wait; a gateway that is gone says so; the data stays', async () => {
    // Opening the page costs 6 calls (catalog, DQ; the feature's spec, latest, query, DQ).
    const limited = await startExplorerStack({ rateLimitPerMinute: 6 })
    try {
      await createFeatures(limited, [synthetic(0)])
      const page = await loadedPage(limited.gatewayUrl)
      const rowsBefore = await gridIds(page)
      await page.locator('#refresh').click()
      await page.locator('#status.error').waitFor()
      expect(await page.locator('#status').innerText()).toMatch(/^Rate limited: this token made too many requests; try again in \d+ s/)
      await expectLastDataDimmed(page, rowsBefore)

      await limited.stopGateway()
      await page.locator('#refresh').click()
      await expect.poll(() => page.locator('#status').innerText()).toBe('The gateway could not be reached: is the stack still running?')
      await expectLastDataDimmed(page, rowsBefore)
      expect(searchOf(page).get('feature')).toBe(synthetic(0).id)
      await page.close()
    } finally {
      await limited.close()
    }
  })
})
