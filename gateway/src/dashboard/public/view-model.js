// @ts-check
// What the dashboard shows, computed from API answers by pure functions (unit-tested in Node);
// dashboard.js only fetches and puts these values into the page.

/** @typedef {'verde' | 'amarillo' | 'rojo'} RegimeState */
/** @typedef {{ gl: number | null, cn: number | null, mp: number | null }} Components */
/**
 * @typedef {{ state: RegimeState, candidate: RegimeState, confidence: number, score: number, score_raw: number,
 *   components: Components, coherence: number, updated_at: string, dq: { ok: boolean, stale: string[], missing: string[] } }} Regime
 */
/** @typedef {{ stance: 'increase' | 'neutral' | 'reduce', rationale: string }} Hint */
/** @typedef {{ market_neutral: Hint, directional: Hint, yield: Hint, state: RegimeState }} Hints */
/**
 * @typedef {{ featureId: string, ok: boolean,
 *   freshness: { last_ts: string | null, age_ms: number | null, ttl_ms: number, stale: boolean, violation: boolean },
 *   coverage: { ratio: number | null, min: number, violation: boolean },
 *   range: { violations: number } }} DqFeature
 */

/** @typedef {'no data' | 'late' | 'stale' | 'check' | 'ok'} FreshnessStatus */

/** @type {Record<RegimeState, string>} */
export const STATE_MEANING = {
  verde: 'liquidity expanding',
  amarillo: 'mixed signals',
  rojo: 'liquidity draining',
}

const COMPONENT_NAMES = /** @type {const} */ ([
  ['gl', 'GL · global liquidity'],
  ['cn', 'CN · crypto native'],
  ['mp', 'MP · market plumbing'],
])

const Z_LIMIT = 3

/**
 * "just now", "42 s", "7 min", "3 h 5 min", "2 d 4 h": an age a person reads at a glance.
 * @param {number} ms
 */
export function formatAge(ms) {
  if (!Number.isFinite(ms) || ms < 0) return 'just now'
  const seconds = Math.floor(ms / 1000)
  if (seconds < 5) return 'just now'
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`
  const days = Math.floor(hours / 24)
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`
}

/** @param {number} ms */
const ago = (ms) => {
  const age = formatAge(ms)
  return age === 'just now' ? age : `${age} ago`
}

/**
 * The traffic light and the numbers around it.
 * @param {Regime} regime
 * @param {number} now epoch ms
 */
export function regimeView(regime, now) {
  return {
    state: regime.state,
    meaning: STATE_MEANING[regime.state],
    score: Math.round(regime.score),
    confidence: `${Math.round(regime.confidence * 100)} %`,
    coherence: `${Math.round(regime.coherence * 100)} %`,
    // The rules already give another state, not yet held for the confirmation period.
    pending: regime.candidate !== regime.state ? regime.candidate : null,
    evaluatedAgo: ago(now - Date.parse(regime.updated_at)),
    components: COMPONENT_NAMES.map(([key, label]) => componentBar(label, regime.components[key])),
    dataIssues: [...regime.dq.missing.map((id) => `${id}: no data`), ...regime.dq.stale.map((id) => `${id}: stale`)],
  }
}

/**
 * A z-score as a bar from the centre of a −3…3 scale: `left` and `width` in percent of the track.
 * @param {string} label
 * @param {number | null} z
 */
export function componentBar(label, z) {
  if (z === null || !Number.isFinite(z)) return { label, value: 'n/a', left: 50, width: 0, sign: 'none' }
  const clamped = Math.max(-Z_LIMIT, Math.min(Z_LIMIT, z))
  const width = (Math.abs(clamped) / Z_LIMIT) * 50
  return { label, value: (z >= 0 ? '+' : '') + z.toFixed(2), left: clamped >= 0 ? 50 : 50 - width, width, sign: clamped >= 0 ? 'up' : 'down' }
}

/** @param {Hints} hints */
export function hintRows(hints) {
  return [
    { book: 'Market neutral', ...hints.market_neutral },
    { book: 'Directional', ...hints.directional },
    { book: 'Yield', ...hints.yield },
  ]
}

/**
 * One row per feature, worst first: freshness violations, then stale, then coverage or range
 * problems, then healthy ones; alphabetical within a group.
 * @param {DqFeature[]} features
 */
export function freshnessRows(features) {
  const rows = features.map((feature) => {
    const { freshness, coverage, range } = feature
    /** @type {FreshnessStatus} */
    const status = freshness.last_ts === null ? 'no data' : freshness.violation ? 'late' : freshness.stale ? 'stale' : feature.ok ? 'ok' : 'check'
    return {
      featureId: feature.featureId,
      status,
      age: freshness.age_ms === null ? '—' : formatAge(freshness.age_ms),
      ttl: formatAge(freshness.ttl_ms),
      coverage: coverage.ratio === null ? '—' : `${Math.round(coverage.ratio * 100)} %`,
      coverageLow: coverage.violation,
      rangeViolations: range.violations,
    }
  })
  /** @type {Record<FreshnessStatus, number>} */
  const rank = { 'no data': 0, late: 1, stale: 2, check: 3, ok: 4 }
  return rows.sort((a, b) => rank[a.status] - rank[b.status] || a.featureId.localeCompare(b.featureId))
}

/**
 * The score history as SVG polyline points in a width × height box (score 0 at the bottom,
 * 100 at the top), oldest on the left; and where the confirmed state changed.
 * @param {{ score: number, state: RegimeState, updated_at: string }[]} history
 * @param {number} width
 * @param {number} height
 */
export function scoreSparkline(history, width, height) {
  if (history.length === 0) return { points: '', changes: [] }
  const step = history.length > 1 ? width / (history.length - 1) : 0
  const x = (/** @type {number} */ i) => Math.round(i * step * 10) / 10
  const y = (/** @type {number} */ score) => Math.round((1 - Math.max(0, Math.min(100, score)) / 100) * height * 10) / 10
  const points = history.map((entry, i) => `${x(i)},${y(entry.score)}`).join(' ')
  const changes = []
  for (let i = 1; i < history.length; i++) {
    const entry = /** @type {typeof history[number]} */ (history[i])
    if (entry.state !== history[i - 1]?.state) changes.push({ x: x(i), state: entry.state, at: entry.updated_at })
  }
  return { points, changes }
}

/**
 * The score history's request: the `days` days up to the evaluation the page shows, so the line
 * ends at that point and the range comes from the server's clock (a browser clock ahead of it
 * would ask for a future `until`, which the API refuses).
 * @param {string} updatedAt the shown evaluation's instant (ISO)
 * @param {number} days
 */
export function historyPath(updatedAt, days) {
  const until = Date.parse(updatedAt)
  const since = new Date(until - days * 86_400_000).toISOString()
  return `/api/liquidity/v1/regime/history?since=${encodeURIComponent(since)}&until=${encodeURIComponent(new Date(until).toISOString())}`
}

/**
 * The token handed over in the address (`#token=…`, never sent to a server), if any.
 * @param {string} hash location.hash
 */
export function tokenFromHash(hash) {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('token')
  return value && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value) ? value : null
}

/**
 * What to tell the reader when a call fails, from its status, the API's error body and, for a
 * 429, the seconds its `retry-after` asks to wait.
 * @param {number} status
 * @param {{ message?: string } | null} body
 * @param {number | null} retryAfterSeconds
 */
export function failureText(status, body, retryAfterSeconds = null) {
  if (status === 401) return 'The token is missing, expired or not valid here: paste a token (npm run token -- --sub you --scope "oracle.reader").'
  if (status === 403) return 'This token lacks the oracle.reader scope.'
  if (status === 429) {
    const wait = retryAfterSeconds === null ? 'at the next refresh' : `in ${retryAfterSeconds} s (Refresh, or the next automatic refresh)`
    return `Rate limited: this token made too many requests; try again ${wait}.`
  }
  const detail = body?.message ? `: ${body.message}` : ''
  return `The API answered ${status}${detail}`
}
