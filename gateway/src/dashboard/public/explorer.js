// @ts-check
/// <reference lib="dom" />
// The explorer page: the view lives in the address (explorer-state.js); every change of a control
// commits a new address, and every address (load, back/forward, a pasted link) is rendered the
// same way.
import { api, runPage, takeTokenFromAddress } from './api-session.js'
import { createCatalogGrid } from './catalog-grid.js'
import { byId, setStatus } from './dom.js'
import { filterFeatures, gridRows } from './explorer-catalog.js'
import { explorerSearch, isNewHistoryStep, parseExplorerSearch } from './explorer-state.js'
import { bindFilterControls, showFilterControls, showTagChoices } from './explorer-filters.js'
import { createFeaturePanel } from './feature-panel.js'

const REFRESH_MS = 60_000

takeTokenFromAddress()

let state = parseExplorerSearch(location.search).state
/** @type {import('./explorer-catalog.js').FeatureSpec[] | null} */
let features = null
/** @type {Map<string, import('./explorer-catalog.js').DqFeature>} */
let dqById = new Map()

const grid = createCatalogGrid(byId('grid'), byId('grid-body'), (id) => commit({ ...state, feature: id }))
const panel = createFeaturePanel({ commit, onLoaded: markLoaded })

/** Reads the address into the page; a param the page cannot use is named in a note. */
function readAddress() {
  const parsed = parseExplorerSearch(location.search)
  state = parsed.state
  const note = byId('url-note')
  note.hidden = parsed.ignored.length === 0
  note.textContent = parsed.ignored.length ? `Ignored from the address: ${parsed.ignored.join('; ')}.` : ''
  const canonical = explorerSearch(state)
  if (canonical !== location.search) history.replaceState(null, '', `${location.pathname}${canonical}`)
}

/**
 * A control changed the view: a new history step (back returns here), except while typing in the
 * search box, which refines the current step.
 * @param {import('./explorer-state.js').ExplorerState} next
 */
function commit(next) {
  const search = explorerSearch(next)
  if (search === location.search) return
  const url = `${location.pathname}${search}`
  if (isNewHistoryStep(state, next)) history.pushState(null, '', url)
  else history.replaceState(null, '', url)
  state = next
  byId('url-note').hidden = true
  render()
}

/** The state on the page: controls, grid and the panel (which calls the API only when its part changed). */
function render() {
  showFilterControls(state)
  renderGrid()
  panel.show(state).catch(showFailure)
}

/** @param {unknown} error */
const showFailure = (error) => setStatus(error instanceof Error ? error.message : String(error), 'error')

function renderGrid() {
  if (features === null) return
  showTagChoices(features, state)
  const shown = filterFeatures(features, state)
  grid.show(gridRows(shown, dqById), state.feature)
  const filtered = shown.length !== features.length
  byId('count').textContent = filtered ? `${shown.length.toLocaleString('en-US')} of ${features.length.toLocaleString('en-US')} features match` : `${features.length.toLocaleString('en-US')} features`
  byId('empty').hidden = shown.length > 0 || features.length === 0
  byId('grid').hidden = shown.length === 0
}

/**
 * The catalog, then every active feature's DQ: the grid shows as soon as the catalog is in (the
 * DQ report takes longer over a large catalog) and its health badges fill in when the report
 * arrives. On failure the last grid stays, dimmed.
 * @param {Promise<unknown>} first the selected feature's load: the report over every feature is
 *   the heaviest call, and a link to a feature should show its chart before the badges
 * @returns {Promise<void>}
 */
async function loadCatalog(first) {
  const catalog = byId('catalog')
  const dqCall = first.catch(() => {}).then(() => api('/api/features/v1/dq'))
  // Awaited below; without this a catalog failure would leave it unhandled.
  dqCall.catch(() => {})
  try {
    features = await api('/api/features/v1/catalog')
    renderGrid()
    markLoaded('grid')
    const dq = /** @type {{ features: import('./explorer-catalog.js').DqFeature[] }} */ (await dqCall)
    dqById = new Map(dq.features.map((entry) => [entry.featureId, entry]))
    catalog.dataset.stale = 'false'
    renderGrid()
    markLoaded('health')
  } catch (error) {
    if (features !== null) catalog.dataset.stale = 'true'
    throw error
  }
}

/** For the bench: when each part first showed its data. @param {string} part */
function markLoaded(part) {
  if (performance.getEntriesByName(`explorer:${part}`).length === 0) performance.mark(`explorer:${part}`)
}

async function refresh() {
  const feature = panel.show(state, { reload: true })
  const results = await Promise.allSettled([loadCatalog(feature), feature])
  const failure = results.find((result) => result.status === 'rejected')
  if (!failure) setStatus(`Updated ${new Date().toLocaleTimeString()}`, 'ok')
  else showFailure(failure.reason)
}

readAddress()
const dropPendingSearch = bindFilterControls(() => state, commit)
showFilterControls(state)
window.addEventListener('popstate', () => {
  dropPendingSearch()
  readAddress()
  render()
})
runPage(refresh, REFRESH_MS)
