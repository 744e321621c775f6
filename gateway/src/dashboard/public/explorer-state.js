// @ts-check
// The explorer's view as a value: read from the address's search params (every filter and the
// selected feature live there, so reload, back/forward and a pasted link restore the view) and
// written back in one canonical form. Pure functions, unit-tested in Node.

export const ENTITIES = /** @type {const} */ (['asset', 'pair', 'market', 'macro'])
export const FREQUENCIES = /** @type {const} */ (['tick', '1m', '5m', '1h', '1d', '1w'])
export const AGGREGATES = /** @type {const} */ (['last', 'first', 'avg', 'sum', 'min', 'max', 'count'])
export const INTERVALS = /** @type {const} */ (['1m', '5m', '1h', '1d', '1w'])
export const WINDOWS = /** @type {const} */ (['7d', '30d', '90d', 'custom'])
export const DEFAULT_WINDOW = '30d'

/** The catalog's own id rule (api.md): lower-case segments joined by "/". */
const FEATURE_ID = /^[a-z0-9][a-z0-9_.-]*(?:\/[a-z0-9][a-z0-9_.-]*)+$/
const MAX_TAGS = 50
const MAX_TEXT = 200

/** @typedef {typeof ENTITIES[number]} Entity */
/** @typedef {typeof FREQUENCIES[number]} Frequency */
/** @typedef {typeof AGGREGATES[number]} Aggregate */
/** @typedef {typeof INTERVALS[number]} Interval */
/** @typedef {typeof WINDOWS[number]} Window */
/**
 * @typedef {{ entity: Entity | null, frequency: Frequency | null, tags: string[], q: string, feature: string | null,
 *   window: Window, since: string | null, until: string | null, agg: Aggregate | null, interval: Interval | null }} ExplorerState
 */

/** @returns {ExplorerState} */
export function defaultState() {
  return { entity: null, frequency: null, tags: [], q: '', feature: null, window: DEFAULT_WINDOW, since: null, until: null, agg: null, interval: null }
}

/**
 * @template {string} T
 * @param {readonly T[]} allowed
 * @param {string} value
 * @returns {value is T}
 */
const oneOf = (allowed, value) => /** @type {readonly string[]} */ (allowed).includes(value)

/** An ISO instant with an offset, as the API takes it; null for anything else. @param {string} text */
export function instantOrNull(text) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null
  const ms = Date.parse(text)
  // The API's range (year 0000 parses here, PostgreSQL has no year 0).
  return Number.isFinite(ms) && ms >= Date.parse('1800-01-01T00:00:00Z') && ms <= Date.parse('9999-12-31T23:59:59Z') ? new Date(ms).toISOString() : null
}

/**
 * The state a search string asks for, and a note for every param that was ignored (unknown,
 * repeated or not a value the API takes): the rest of the view still loads.
 * @param {string} search location.search, with or without "?"
 * @returns {{ state: ExplorerState, ignored: string[] }}
 */
export function parseExplorerSearch(search) {
  const params = new URLSearchParams(search)
  const state = defaultState()
  /** @type {string[]} */
  const ignored = []
  const seen = new Set()
  for (const [name, value] of params) {
    if (seen.has(name)) {
      ignored.push(`${name}: given more than once, the first is used`)
      continue
    }
    seen.add(name)
    const problem = applyParam(state, name, value)
    if (problem) ignored.push(`${name}=${shorten(value)}: ${problem}`)
  }
  ignored.push(...checkWindow(state), ...checkAggregation(state))
  return { state, ignored }
}

/** @param {string} text */
const shorten = (text) => (text.length > 40 ? `${text.slice(0, 40)}…` : text)

/**
 * Puts one param into the state; returns why it was refused, or null.
 * @param {ExplorerState} state
 * @param {string} name
 * @param {string} value
 * @returns {string | null}
 */
function applyParam(state, name, value) {
  switch (name) {
    case 'entity':
      if (!oneOf(ENTITIES, value)) return `not one of ${ENTITIES.join(', ')}`
      state.entity = value
      return null
    case 'frequency':
      if (!oneOf(FREQUENCIES, value)) return `not one of ${FREQUENCIES.join(', ')}`
      state.frequency = value
      return null
    case 'tags':
      return applyTags(state, value)
    case 'q':
      if (value.length > MAX_TEXT) return `longer than ${MAX_TEXT} characters`
      state.q = value
      return null
    case 'feature':
      if (!FEATURE_ID.test(value)) return 'not a feature id'
      state.feature = value
      return null
    case 'window':
      if (!oneOf(WINDOWS, value)) return `not one of ${WINDOWS.join(', ')}`
      state.window = value
      return null
    case 'since':
    case 'until':
      if (instantOrNull(value) === null) return 'not an ISO instant with an offset (2025-10-20T00:00:00Z)'
      state[name] = instantOrNull(value)
      return null
    case 'agg':
      if (!oneOf(AGGREGATES, value)) return `not one of ${AGGREGATES.join(', ')}`
      state.agg = value
      return null
    case 'interval':
      if (!oneOf(INTERVALS, value)) return `not one of ${INTERVALS.join(', ')}`
      state.interval = value
      return null
    default:
      return 'not a parameter of this page'
  }
}

/** @param {ExplorerState} state @param {string} value */
function applyTags(state, value) {
  const tags = [...new Set(value.split(',').map((tag) => tag.trim()).filter(Boolean))]
  if (tags.length > MAX_TAGS) return `more than ${MAX_TAGS} tags`
  if (tags.some((tag) => tag.length > 100)) return 'a tag longer than 100 characters'
  state.tags = tags.sort()
  return null
}

/**
 * A custom window needs both ends in order; since/until without a custom window mean nothing.
 * @param {ExplorerState} state
 */
function checkWindow(state) {
  if (state.window !== 'custom') {
    const stray = [state.since && 'since', state.until && 'until'].filter(Boolean)
    state.since = state.until = null
    return stray.map((name) => `${name}: only used with window=custom`)
  }
  if (state.since && state.until && state.since <= state.until) return []
  state.window = DEFAULT_WINDOW
  state.since = state.until = null
  return [`window=custom: needs since and until, since not after until; showing ${DEFAULT_WINDOW}`]
}

/** An interval groups by an aggregate (POST /query refuses one without agg). @param {ExplorerState} state */
function checkAggregation(state) {
  if (state.interval === null || state.agg !== null) return []
  state.interval = null
  return ['interval: needs agg']
}

/**
 * The one search string for a state: defaults left out, tags sorted, so equal views have equal
 * addresses.
 * @param {ExplorerState} state
 */
export function explorerSearch(state) {
  /** @type {[string, string | null][]} */
  const entries = [
    ['entity', state.entity],
    ['frequency', state.frequency],
    ['tags', state.tags.length ? [...state.tags].sort().join(',') : null],
    ['q', state.q || null],
    ['feature', state.feature],
    ['window', state.window === DEFAULT_WINDOW ? null : state.window],
    ['since', state.window === 'custom' ? state.since : null],
    ['until', state.window === 'custom' ? state.until : null],
    ['agg', state.agg],
    ['interval', state.agg ? state.interval : null],
  ]
  const params = new URLSearchParams()
  for (const [name, value] of entries) if (value !== null) params.set(name, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * Whether moving from one state to the next is a new step of history (back returns to it) or a
 * refinement of the same step: typing in the search box replaces, every other change pushes.
 * @param {ExplorerState} before
 * @param {ExplorerState} after
 */
export function isNewHistoryStep(before, after) {
  const { q: _beforeText, ...beforeRest } = before
  const { q: _afterText, ...afterRest } = after
  return JSON.stringify(beforeRest) !== JSON.stringify(afterRest)
}
