// @ts-check
// The catalog grid's rows: filtering, the tag list and each feature's health badge, computed
// from GET /catalog and GET /dq answers. Pure functions, unit-tested in Node.
import { formatAge } from './view-model.js'

/**
 * @typedef {{ id: string, entity: import('./explorer-state.js').Entity, description: string, unit: string,
 *   frequency: import('./explorer-state.js').Frequency, ttl_ms: number, tags: string[],
 *   source: { id: string, class: string, schema: string },
 *   quality?: { expected_range?: [number, number], seasonal?: boolean }, version: number, active: boolean }} FeatureSpec
 */
/**
 * @typedef {{ featureId: string, ok: boolean,
 *   freshness: { last_ts: string | null, last_confidence: number | null, age_ms: number | null, ttl_ms: number, stale: boolean, violation: boolean },
 *   coverage: { ratio: number | null, expected: number | null, observed: number, gaps: { from: string, to: string }[], min: number, violation: boolean },
 *   range: { expected_range: [number, number] | null, violations: number } }} DqFeature
 */
/** @typedef {'fresh' | 'low-confidence' | 'stale' | 'late' | 'no-data' | 'inactive' | 'unknown'} HealthLevel */
/** @typedef {{ level: HealthLevel, symbol: string, label: string, detail: string }} Health */

/** Below this the latest point is flagged even when it is on time: a source marked it doubtful. */
export const LOW_CONFIDENCE = 0.5

/**
 * Every filter of the state at once: entity, frequency, all chosen tags (as GET /catalog's
 * `tags`), and free text in the id or description (case-insensitive). Sorted by id.
 * @param {FeatureSpec[]} features
 * @param {import('./explorer-state.js').ExplorerState} state
 */
export function filterFeatures(features, state) {
  const text = state.q.trim().toLowerCase()
  return features
    .filter(
      (feature) =>
        (state.entity === null || feature.entity === state.entity) &&
        (state.frequency === null || feature.frequency === state.frequency) &&
        state.tags.every((tag) => feature.tags.includes(tag)) &&
        (text === '' || feature.id.includes(text) || feature.description.toLowerCase().includes(text)),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * Every tag in the catalog with how many features carry it, most used first.
 * @param {FeatureSpec[]} features
 */
export function tagCounts(features) {
  /** @type {Map<string, number>} */
  const counts = new Map()
  for (const feature of features) for (const tag of feature.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1)
  return [...counts].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag))
}

/** @type {Record<HealthLevel, { symbol: string, label: string }>} */
const BADGES = {
  fresh: { symbol: '●', label: 'fresh' },
  'low-confidence': { symbol: '◐', label: 'low confidence' },
  stale: { symbol: '▲', label: 'stale' },
  late: { symbol: '✕', label: 'late' },
  'no-data': { symbol: '○', label: 'no data' },
  inactive: { symbol: '–', label: 'inactive' },
  unknown: { symbol: '…', label: 'unknown' },
}

/**
 * A feature's health from its latest point: no point, past ttl_ms × the DQ ratio (late), past
 * ttl_ms (stale), a doubtful confidence, or fresh. Symbol and words carry it, colour only adds.
 * @param {FeatureSpec} spec
 * @param {DqFeature | undefined} dq
 */
export function healthOf(spec, dq) {
  /** @param {HealthLevel} level @param {string} detail @returns {Health} */
  const badge = (level, detail) => ({ level, ...BADGES[level], detail })
  if (!spec.active) return badge('inactive', 'deactivated in the catalog: no DQ is kept for it')
  if (!dq) return badge('unknown', 'no DQ report for this feature yet')
  const { freshness } = dq
  if (freshness.last_ts === null || freshness.age_ms === null) return badge('no-data', 'no point was ever published')
  const age = `latest point ${formatAge(freshness.age_ms)} old, ttl ${formatAge(freshness.ttl_ms)}`
  const confidence = freshness.last_confidence
  const withConfidence = confidence === null ? age : `${age}, confidence ${Math.round(confidence * 100)} %`
  if (freshness.violation) return badge('late', withConfidence)
  if (freshness.stale) return badge('stale', withConfidence)
  if (confidence !== null && confidence < LOW_CONFIDENCE) return badge('low-confidence', withConfidence)
  return badge('fresh', withConfidence)
}

/**
 * The grid's rows for the filtered features, with their health.
 * @param {FeatureSpec[]} features already filtered and sorted
 * @param {Map<string, DqFeature>} dqById
 */
export function gridRows(features, dqById) {
  return features.map((spec) => ({
    id: spec.id,
    entity: spec.entity,
    frequency: spec.frequency,
    unit: spec.unit,
    tags: spec.tags.join(', '),
    version: String(spec.version),
    active: spec.active ? 'yes' : 'no',
    health: healthOf(spec, dqById.get(spec.id)),
  }))
}

/**
 * The rows a scrolled viewport shows, with a few more on each side so a small scroll needs no
 * new DOM: a 2,000-row catalog costs the DOM of about forty rows.
 * @param {number} scrollTop
 * @param {number} viewportHeight
 * @param {number} rowHeight
 * @param {number} rowCount
 * @param {number} overscan
 */
export function visibleRange(scrollTop, viewportHeight, rowHeight, rowCount, overscan = 8) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan)
  return { first, last: Math.max(first, last) }
}
