// @ts-check
/// <reference lib="dom" />
// The history's window (7 d / 30 d / 90 d / custom) and aggregation controls: they show the
// state, and every change becomes a new state, as POST /query takes it.
import { byId } from './dom.js'
import { instantOrNull } from './explorer-state.js'

/** @typedef {import('./explorer-state.js').ExplorerState} ExplorerState */

const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (byId(id))
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id))
const windowRadios = () => /** @type {NodeListOf<HTMLInputElement>} */ (byId('series-controls').querySelectorAll('input[name="window"]'))

/** A datetime-local value, read as UTC like every instant of the page. @param {string} value */
const utcInstant = (value) => (value ? instantOrNull(`${value.length === 16 ? `${value}:00` : value}Z`) : null)
/** To the second, so Apply without an edit keeps the window it shows. @param {string} iso */
const localValue = (iso) => iso.slice(0, 19)

/**
 * @param {() => ExplorerState} current
 * @param {(next: ExplorerState) => void} commit
 * @param {() => { since: string, until: string } | null} shownWindow the window the chart shows, to start a custom one from
 */
export function bindSeriesControls(current, commit, shownWindow) {
  for (const radio of windowRadios()) {
    radio.addEventListener('change', () => {
      const window = /** @type {ExplorerState['window']} */ (radio.value)
      if (window !== 'custom') return commit({ ...current(), window, since: null, until: null })
      // A custom window is committed by Apply, once both ends are set.
      const shown = shownWindow()
      byId('custom-window').hidden = false
      if (shown && !input('s-since').value) input('s-since').value = localValue(shown.since)
      if (shown && !input('s-until').value) input('s-until').value = localValue(shown.until)
      input('s-since').focus()
    })
  }
  byId('s-apply').addEventListener('click', () => {
    const since = utcInstant(input('s-since').value)
    const until = utcInstant(input('s-until').value)
    const problem = since === null || until === null ? 'Set both ends of the window.' : since > until ? '“From” must not be after “To”.' : ''
    byId('custom-error').textContent = problem
    if (!problem) commit({ ...current(), window: 'custom', since, until })
  })
  select('s-agg').addEventListener('change', () => {
    const agg = /** @type {ExplorerState['agg']} */ (select('s-agg').value || null)
    commit({ ...current(), agg, interval: agg ? current().interval : null })
  })
  select('s-interval').addEventListener('change', () => commit({ ...current(), interval: /** @type {ExplorerState['interval']} */ (select('s-interval').value || null) }))
}

/** @param {ExplorerState} state */
export function showSeriesControls(state) {
  for (const radio of windowRadios()) radio.checked = radio.value === state.window
  byId('custom-window').hidden = state.window !== 'custom'
  if (state.window === 'custom' && state.since && state.until) {
    input('s-since').value = localValue(state.since)
    input('s-until').value = localValue(state.until)
    byId('custom-error').textContent = ''
  }
  select('s-agg').value = state.agg ?? ''
  select('s-interval').value = state.interval ?? ''
  // An interval groups by an aggregate: with raw points there is nothing to choose.
  select('s-interval').disabled = state.agg === null
}
