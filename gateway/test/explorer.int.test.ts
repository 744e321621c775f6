import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DqReport, FeatureQueryResult, FeatureSpec } from '@lav/shared/contracts'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../../test/support/browser'
import { addGappyFeature, allGridIds, allGridRows, apiGet, backfillDemo, GAPPY, gridIds, openExplorer, searchOf, startExplorerStack, type ExplorerStack } from './explorer-stack'

// The feature explorer in headless Chromium against the real gateway and feature-store-svc, with
// 120 days of the demo feeds and an hourly feature with holes. Every figure is checked against
// the API's own answer.
const NOW = Date.now()
const require = createRequire(import.meta.url)
let stack: ExplorerStack
let browser: Browser
let catalog: FeatureSpec[]

beforeAll(async () => {
  stack = await startExplorerStack()
  await backfillDemo(stack, NOW)
  await addGappyFeature(stack, NOW)
  catalog = await apiGet<FeatureSpec[]>(stack.gatewayUrl, '/api/features/v1/catalog')
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await stack?.close()
})

const open = (search = '') => openExplorer(browser, stack.gatewayUrl, search)
const gridReady = (page: Page) => page.locator('#status.ok').waitFor()
/** The /query answer the page receives next, read as the page reads it. */
const nextQuery = (page: Page) => page.waitForResponse((response) => response.url().endsWith('/api/features/v1/query')).then((response) => response.json() as Promise<FeatureQueryResult[]>)
const percent = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`

describe('the catalog grid', () => {
  it('lists every feature with its spec and a health badge that matches the DQ report', async () => {
    const { page, errors } = await open()
    await gridReady(page)
    const dq = await apiGet<DqReport>(stack.gatewayUrl, '/api/features/v1/dq')
    expect(await page.locator('#count').innerText()).toBe(`${catalog.length} features`)
    const rows = new Map((await allGridRows(page)).map((row) => [row.id, row.cells]))
    expect([...rows.keys()]).toEqual(catalog.map((spec) => spec.id).sort())

    const walcl = catalog.find((spec) => spec.id === 'macro/us/walcl_total_usd') as FeatureSpec
    expect(rows.get(walcl.id)).toEqual([walcl.id, 'macro', '1w', 'USD', walcl.tags.join(', '), String(walcl.version), 'yes', '● fresh'])
    // The badge says it in words and a symbol, not in colour alone.
    for (const entry of dq.features) {
      const expected = entry.freshness.last_ts === null ? '○ no data' : entry.freshness.violation ? '✕ late' : entry.freshness.stale ? '▲ stale' : '● fresh'
      expect(rows.get(entry.featureId)?.[7]).toBe(expected)
    }
    expect(rows.get('macro/us/vix_index')?.[7]).toBe('○ no data')
    expect(errors).toEqual([])
    await page.close()
  })

  it('filters by entity, keeps the filter in the address, and says when nothing matches', async () => {
    const { page } = await open()
    await gridReady(page)
    await page.locator('#f-entity').selectOption('macro')
    await page.waitForURL(/entity=macro/)
    const macros = await apiGet<FeatureSpec[]>(stack.gatewayUrl, '/api/features/v1/catalog?entity=macro')
    expect(await gridIds(page)).toEqual(macros.map((spec) => spec.id).sort())
    expect(await page.locator('#count').innerText()).toBe(`${macros.length} of ${catalog.length} features match`)

    await page.locator('#f-q').fill('no feature is called this')
    await page.waitForURL(/q=no\+feature/)
    expect(await page.locator('#empty').isVisible()).toBe(true)
    expect(await page.locator('#empty').innerText()).toContain('No feature matches these filters')
    await page.locator('#empty-clear').click()
    await page.waitForURL((url) => url.search === '')
    expect(await allGridIds(page)).toHaveLength(catalog.length)
    await page.close()
  })

  it('filters by several tags (every one must match), in the address as tags=', async () => {
    const { page } = await open()
    await gridReady(page)
    await page.getByRole('checkbox', { name: /^btc \(/ }).check()
    await page.waitForURL(/tags=btc/)
    await page.getByRole('checkbox', { name: /^etf \(/ }).check()
    await page.waitForURL(/tags=btc%2Cetf/)
    const both = await apiGet<FeatureSpec[]>(stack.gatewayUrl, '/api/features/v1/catalog?tags=btc,etf')
    expect(both.length).toBeGreaterThan(0)
    expect(await gridIds(page)).toEqual(both.map((spec) => spec.id).sort())
    expect(searchOf(page).get('tags')).toBe('btc,etf')
    await page.close()
  })

  it('is driven by the keyboard: arrows move, Enter opens the feature', async () => {
    const { page } = await open('?entity=macro')
    await gridReady(page)
    await page.locator('#grid').focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const third = (await gridIds(page))[2]
    await page.waitForURL(/feature=/)
    expect(searchOf(page).get('feature')).toBe(third)
    expect(await page.locator('#grid').getAttribute('aria-activedescendant')).toBe('row-2')
    expect(await page.locator('#row-2').getAttribute('aria-selected')).toBe('true')
    await page.locator('#d-id').filter({ hasText: third as string }).waitFor()
    await page.close()
  })
})

describe('the selected feature', () => {
  it('shows its spec, latest point, the chart of the window with coverage and gaps, and its DQ', async () => {
    const { page, errors } = await open()
    await gridReady(page)
    await page.locator('#f-q').fill('holes')
    await page.waitForURL(/q=holes/)
    const answer = nextQuery(page)
    await page.locator(`#grid-body [role=row][data-id="${GAPPY.id}"]`).click()
    const [result] = await answer
    await page.waitForURL(/feature=/)
    expect(searchOf(page).get('feature')).toBe(GAPPY.id)
    await page.locator('#d-id').filter({ hasText: GAPPY.id }).waitFor()
    await page.locator('#chart[data-points]').waitFor()

    expect(result?.points.length).toBeGreaterThan(600)
    expect(await page.locator('#chart').getAttribute('data-points')).toBe(String(result?.points.length))
    expect(await page.locator('#chart').getAttribute('data-gaps')).toBe(String(result?.coverage.gaps.length))
    expect(result?.coverage.gaps.length).toBeGreaterThanOrEqual(2)
    const coverage = await page.locator('#coverage').innerText()
    expect(coverage).toBe(`Coverage ${percent(result?.coverage.ratio as number)} · ${result?.coverage.observed} of ${result?.coverage.expected} slots · ${result?.coverage.gaps.length} gaps`)
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('#chart').getAttribute('aria-label')).toContain('gaps shaded')

    const latest = await apiGet<{ value: number; confidence: number; ts: string }>(stack.gatewayUrl, `/api/features/v1/latest?featureId=${encodeURIComponent(GAPPY.id)}`)
    const latestText = await page.locator('#d-latest').innerText()
    expect(latestText).toContain(latest.ts)
    expect(latestText).toContain(latest.value.toLocaleString('en-US', { maximumFractionDigits: 6 }))
    expect(latestText).toContain('100.0 %')
    expect(await page.locator('#d-spec').innerText()).toContain('explorer, gappy')

    const dq = await apiGet<DqReport>(stack.gatewayUrl, `/api/features/v1/dq?featureId=${encodeURIComponent(GAPPY.id)}&since=${encodeURIComponent(result?.since as string)}&until=${encodeURIComponent(result?.until as string)}`)
    const dqText = await page.locator('#d-dq').innerText()
    expect(dqText).toContain(dq.features[0]?.ok ? '✓ ok' : '✕ needs attention')
    expect(dqText).toContain(`${percent(dq.features[0]?.coverage.ratio as number)} (minimum 80.0 %)`)
    expect(errors).toEqual([])
    await page.close()
  })

  it('maps the window, aggregate and interval to POST /query and keeps them in the address', async () => {
    const { page } = await open(`?feature=${encodeURIComponent(GAPPY.id)}`)
    await page.locator('#chart[data-points]').waitFor()
    let answer = nextQuery(page)
    await page.getByLabel('90 d').check()
    let [result] = await answer
    await page.waitForURL(/window=90d/)
    expect(Date.parse(result?.until as string) - Date.parse(result?.since as string)).toBeCloseTo(90 * 86_400_000, -5)

    answer = nextQuery(page)
    await page.locator('#s-agg').selectOption('avg')
    await answer
    answer = nextQuery(page)
    await page.locator('#s-interval').selectOption('1d')
    ;[result] = await answer
    await page.waitForURL(/interval=1d/)
    expect(result).toMatchObject({ agg: 'avg', interval: '1d' })
    await expect.poll(() => page.locator('#chart').getAttribute('data-points')).toBe(String(result?.points.length))
    expect(await page.locator('#series-caption').innerText()).toContain(`${result?.points.length} avg values per 1d`)

    answer = nextQuery(page)
    await page.getByLabel('custom').check()
    await page.locator('#s-since').fill('2020-01-01T00:00')
    await page.locator('#s-until').fill('2020-01-08T00:00')
    await page.locator('#s-apply').click()
    ;[result] = await answer
    expect(result).toMatchObject({ since: '2020-01-01T00:00:00.000Z', until: '2020-01-08T00:00:00.000Z' })
    expect(Object.fromEntries(searchOf(page))).toMatchObject({ window: 'custom', since: '2020-01-01T00:00:00.000Z', until: '2020-01-08T00:00:00.000Z', agg: 'avg', interval: '1d' })
    await page.close()
  })
})

describe('the address', () => {
  it('restores the exact view on reload, and back/forward walk the steps', async () => {
    const { page } = await open()
    await gridReady(page)
    await page.locator('#f-entity').selectOption('market')
    await page.waitForURL(/entity=market/)
    await page.getByRole('checkbox', { name: /^explorer \(/ }).check()
    await page.waitForURL(/tags=explorer/)
    await page.locator(`#grid-body [role=row][data-id="${GAPPY.id}"]`).click()
    await page.waitForURL(/feature=/)
    await page.getByLabel('7 d').check()
    await page.waitForURL(/window=7d/)
    const view = page.url()

    await page.reload()
    await page.locator('#chart[data-points]').waitFor()
    expect(page.url()).toBe(view)
    expect(await page.locator('#f-entity').inputValue()).toBe('market')
    expect(await page.getByRole('checkbox', { name: /^explorer \(/ }).isChecked()).toBe(true)
    expect(await gridIds(page)).toEqual([GAPPY.id])
    expect(await page.locator('#d-id').innerText()).toBe(GAPPY.id)
    expect(await page.getByLabel('7 d').isChecked()).toBe(true)

    await page.goBack()
    await page.waitForURL((url) => !url.search.includes('window='))
    expect(await page.getByLabel('30 d').isChecked()).toBe(true)
    await page.goBack()
    await page.waitForURL((url) => !url.search.includes('feature='))
    expect(await page.locator('#detail-body').isHidden()).toBe(true)
    await page.goBack()
    await page.waitForURL((url) => !url.search.includes('tags='))
    expect(await page.getByRole('checkbox', { name: /^explorer \(/ }).isChecked()).toBe(false)
    expect(await page.locator('#f-entity').inputValue()).toBe('market')
    await page.goForward()
    await page.waitForURL(/tags=explorer/)
    expect(await gridIds(page)).toEqual([GAPPY.id])
    await page.close()
  })

  it('a pasted link with bad params loads what it can and names what it ignored', async () => {
    const { page } = await open(`?entity=planet&tags=gappy&window=365d&interval=1h&feature=${encodeURIComponent(GAPPY.id)}&colour=red`)
    await gridReady(page)
    const note = await page.locator('#url-note').innerText()
    expect(note).toContain('entity=planet: not one of asset, pair, market, macro')
    expect(note).toContain('window=365d')
    expect(note).toContain('colour=red: not a parameter of this page')
    expect(note).toContain('interval: needs agg')
    expect(await gridIds(page)).toEqual([GAPPY.id])
    await page.locator('#chart[data-points]').waitFor()
    expect(Object.fromEntries(searchOf(page))).toEqual({ tags: 'gappy', feature: GAPPY.id })
    await page.close()
  })

  it('a link to a feature the catalog does not have says so', async () => {
    const { page } = await open('?feature=no/such_feature')
    await page.locator('#status.error').waitFor()
    expect(await page.locator('#detail-hint').innerText()).toBe('no/such_feature is not in the catalog.')
    expect(await page.locator('#status').innerText()).toContain('no/such_feature')
    await page.close()
  })
})

describe('accessibility', () => {
  it('axe-core finds no violation on the explorer with a feature open (labels, roles, contrast)', async () => {
    const { page } = await open(`?feature=${encodeURIComponent(GAPPY.id)}`)
    await page.locator('#chart[data-points]').waitFor()
    await gridReady(page)
    // Evaluated through the DevTools protocol, which the page's CSP does not govern.
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'))
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
    })
    expect(violations).toEqual([])
    await page.close()
  })
})

describe('the screenshot in the gateway README', () => {
  it('is taken of a loaded explorer with a feature selected', async () => {
    const { page } = await open(`?feature=${encodeURIComponent(GAPPY.id)}&window=90d`)
    await page.locator('#chart[data-points]').waitFor()
    await gridReady(page)
    const png = await page.screenshot({ fullPage: true })
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    // UPDATE_SCREENSHOTS=1 writes it where the README shows it; otherwise beside the test run.
    const target = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../docs/explorer.png', import.meta.url)) : join(tmpdir(), 'lav-explorer.png')
    mkdirSync(join(target, '..'), { recursive: true })
    writeFileSync(target, png)
    await page.close()
  })
})
