// @ts-check
// The selected feature's panel: the window and POST /query body a state asks for, the chart's
// columns with its gaps, and the words around them. Pure functions, unit-tested in Node.
import { formatAge } from './view-model.js'

const DAY_MS = 86_400_000
const WINDOW_DAYS = { '7d': 7, '30d': 30, '90d': 90 }
/** POST /query's maximum: a raw window is never cut short by the default 10,000. */
export const RAW_LIMIT = 100_000

/**
 * @typedef {{ ts: string, value: number, count?: number, confidence?: number }} SeriesPoint
 * @typedef {{ ratio: number | null, expected: number | null, observed: number, gaps: { from: string, to: string }[] }} Coverage
 * @typedef {{ featureId: string, since: string, until: string, agg: string | null, interval: string | null,
 *   points: SeriesPoint[], coverage: Coverage, truncated: boolean }} QueryResult
 */

/**
 * The instants a state's window covers. A preset window gives only its start and lets the server
 * end it at its own now: a browser clock ahead of the server's would otherwise count future slots
 * as gaps. A custom window is taken as is.
 * @param {import('./explorer-state.js').ExplorerState} state
 * @param {number} now epoch ms
 * @returns {{ since: string, until: string | null }}
 */
export function queryWindow(state, now) {
  if (state.window === 'custom' && state.since && state.until) return { since: state.since, until: state.until }
  const days = state.window === 'custom' ? 30 : WINDOW_DAYS[state.window]
  return { since: new Date(now - days * DAY_MS).toISOString(), until: null }
}

/**
 * The POST /query body for the selected feature: raw points up to the API's maximum, or one
 * aggregate per interval (or for the whole window without one).
 * @param {string} featureId
 * @param {import('./explorer-state.js').ExplorerState} state
 * @param {{ since: string, until: string | null }} window
 */
export function queryBody(featureId, state, window) {
  const body = window.until === null ? { featureIds: [featureId], since: window.since } : { featureIds: [featureId], since: window.since, until: window.until }
  if (state.agg === null) return { ...body, limit: RAW_LIMIT }
  return state.interval === null ? { ...body, agg: state.agg } : { ...body, agg: state.agg, interval: state.interval }
}

/**
 * GET /dq for one feature over the same window as the chart.
 * @param {string} featureId
 * @param {{ since: string, until: string | null }} window
 */
export function dqPath(featureId, window) {
  const params = new URLSearchParams({ featureId, since: window.since })
  if (window.until !== null) params.set('until', window.until)
  return `/api/features/v1/dq?${params}`
}

/** @param {string} iso */
const seconds = (iso) => Date.parse(iso) / 1000

/**
 * The chart's columns (x in epoch seconds, as uPlot takes them) and the gaps to shade. A null is
 * put in the middle of every gap so the line breaks there instead of bridging missing slots.
 * @param {QueryResult} result
 */
export function chartColumns(result) {
  const gaps = result.coverage.gaps.map((gap) => ({ from: seconds(gap.from), to: seconds(gap.to) }))
  /** @type {{ x: number, y: number | null }[]} */
  const rows = result.points.map((point) => ({ x: seconds(point.ts), y: point.value }))
  for (const gap of gaps) rows.push({ x: (gap.from + gap.to) / 2, y: null })
  rows.sort((a, b) => a.x - b.x)
  return { xs: rows.map((row) => row.x), ys: rows.map((row) => row.y), gaps, window: { from: seconds(result.since), to: seconds(result.until) } }
}

/**
 * "Coverage 97.2 % · 2,100 of 2,160 slots · 3 gaps", or why there is no ratio.
 * @param {Coverage} coverage
 */
export function coverageText(coverage) {
  if (coverage.ratio === null) return `Coverage not defined for tick features · ${coverage.observed.toLocaleString('en-US')} points`
  const gaps = coverage.gaps.length === 1 ? '1 gap' : `${coverage.gaps.length.toLocaleString('en-US')} gaps`
  return `Coverage ${percent(coverage.ratio)} · ${coverage.observed.toLocaleString('en-US')} of ${(coverage.expected ?? 0).toLocaleString('en-US')} slots · ${gaps}`
}

/** @param {number} ratio */
export const percent = (ratio) => `${(Math.round(ratio * 1000) / 10).toFixed(1)} %`

/**
 * What the chart's caption says beside the coverage: how many points, and whether the API cut
 * the answer short.
 * @param {QueryResult} result
 */
export function seriesCaption(result) {
  const count = `${result.points.length.toLocaleString('en-US')} ${result.agg ? `${result.agg} value${result.points.length === 1 ? '' : 's'}` : `point${result.points.length === 1 ? '' : 's'}`}`
  const per = result.agg ? (result.interval ? ` per ${result.interval}` : ' for the whole window') : ''
  const cut = result.truncated ? ` · truncated at ${RAW_LIMIT.toLocaleString('en-US')}: choose an aggregate and interval to see the whole window` : ''
  return `${count}${per}${cut}`
}

/**
 * The latest point's lines in the panel.
 * @param {{ ts: string, value: number, confidence: number, stale: boolean, age_ms: number, ingested_at: string }} latest
 * @param {string} unit
 */
export function latestView(latest, unit) {
  return {
    value: `${formatNumber(latest.value)} ${unit}`,
    ts: latest.ts,
    age: `${formatAge(latest.age_ms)}${latest.stale ? ' · stale' : ''}`,
    confidence: percent(latest.confidence),
    ingested: latest.ingested_at,
  }
}

/**
 * A value a reader takes in at once: thousands separated, large magnitudes in words.
 * @param {number} value
 */
export function formatNumber(value) {
  const size = Math.abs(value)
  if (size >= 1e12) return `${(value / 1e12).toFixed(3)} T`
  if (size >= 1e9) return `${(value / 1e9).toFixed(3)} B`
  if (size >= 1e6) return `${(value / 1e6).toFixed(3)} M`
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 })
}

/**
 * GET /dq's verdict for the feature over the window, in lines: ok or what is wrong.
 * @param {import('./explorer-catalog.js').DqFeature} dq
 */
export function dqLines(dq) {
  const { freshness, coverage, range } = dq
  return [
    { name: 'Verdict', text: dq.ok ? '✓ ok' : '✕ needs attention', bad: !dq.ok },
    {
      name: 'Freshness',
      text: freshness.age_ms === null ? 'no point yet' : `${formatAge(freshness.age_ms)} old, ttl ${formatAge(freshness.ttl_ms)}${freshness.violation ? ' · late' : freshness.stale ? ' · stale' : ''}`,
      bad: freshness.violation,
    },
    {
      name: 'Coverage',
      text: coverage.ratio === null ? 'not defined (tick)' : `${percent(coverage.ratio)} (minimum ${percent(coverage.min)})`,
      bad: coverage.violation,
    },
    {
      name: 'Range',
      text: range.expected_range === null ? 'no expected range' : `${range.violations.toLocaleString('en-US')} outside [${formatNumber(range.expected_range[0])}, ${formatNumber(range.expected_range[1])}]`,
      bad: range.violations > 0,
    },
  ]
}
