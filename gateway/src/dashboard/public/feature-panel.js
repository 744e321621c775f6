// @ts-check
/// <reference lib="dom" />
// The selected feature: its spec, latest point, history chart with coverage and gaps, and its DQ
// over the chart's window, each read from the API through the gateway.
import { api, ApiFailure } from './api-session.js'
import { byId, element } from './dom.js'
import { chartColumns, coverageText, dqLines, dqPath, formatNumber, latestView, queryBody, queryWindow, seriesCaption } from './explorer-series.js'
import { createFeatureChart } from './feature-chart.js'
import { formatAge } from './view-model.js'
import { bindSeriesControls, showSeriesControls } from './series-controls.js'

/** @typedef {import('./explorer-state.js').ExplorerState} ExplorerState */
/** @typedef {import('./explorer-catalog.js').FeatureSpec} FeatureSpec */
/** @typedef {ReturnType<typeof import('./feature-chart.js').createFeatureChart>} FeatureChart */

const FEATURES_API = '/api/features/v1'

/** What decides the panel's calls: a change of anything else (a filter) leaves it alone. @param {ExplorerState} state */
const detailKey = (state) => JSON.stringify([state.feature, state.window, state.since, state.until, state.agg, state.interval])

/**
 * @param {{ commit: (next: ExplorerState) => void, onLoaded: (part: string) => void }} deps
 */
export function createFeaturePanel({ commit, onLoaded }) {
  const chart = createFeatureChart(byId('chart'))
  /** @type {ExplorerState | null} */
  let current = null
  let shownKey = ''
  /** @type {string | null} */
  let shownFeature = null
  /** @type {{ since: string, until: string } | null} */
  let shownWindow = null
  let sequence = 0
  bindSeriesControls(() => /** @type {ExplorerState} */ (current), commit, () => shownWindow)

  /** @param {string} hint */
  const showNothing = (hint) => {
    byId('detail-body').hidden = true
    byId('detail-hint').hidden = false
    byId('detail-hint').textContent = hint
    byId('detail-title').textContent = 'Feature'
    byId('detail').dataset.stale = 'false'
    chart.clear()
    shownFeature = shownWindow = null
  }

  return {
    /**
     * Shows the state's feature; calls the API only when the feature, window or aggregation
     * changed, or when asked to reload. A call that fails keeps the same feature's last figures,
     * dimmed; an answer that arrives after a newer request is dropped.
     * @param {ExplorerState} state
     * @param {{ reload?: boolean }} options
     */
    async show(state, { reload = false } = {}) {
      current = state
      showSeriesControls(state)
      const key = detailKey(state)
      if (key === shownKey && !reload) return
      shownKey = key
      const mine = ++sequence
      const featureId = state.feature
      if (featureId === null) return showNothing('Select a feature in the grid (click, or arrow keys and Enter).')
      try {
        const loaded = await loadFeature(featureId, state)
        if (mine !== sequence) return
        render(loaded, chart)
        shownFeature = featureId
        shownWindow = { since: loaded.series.since, until: loaded.series.until }
        byId('detail').dataset.stale = 'false'
        onLoaded('chart')
      } catch (error) {
        if (mine !== sequence) return
        shownKey = ''
        if (error instanceof ApiFailure && error.code === 'FEATURE_NOT_FOUND') showNothing(`${featureId} is not in the catalog.`)
        else if (shownFeature === featureId) byId('detail').dataset.stale = 'true'
        else showNothing(`${featureId} could not be loaded.`)
        throw error
      }
    },
  }
}

/**
 * @param {string} featureId
 * @param {ExplorerState} state
 */
async function loadFeature(featureId, state) {
  const window = queryWindow(state, Date.now())
  const [spec, latest, results, dq] = await Promise.all([
    api(`${FEATURES_API}/catalog/${encodeURIComponent(featureId)}`),
    api(`${FEATURES_API}/latest?${new URLSearchParams({ featureId })}`).catch((error) => {
      // A feature nothing was published to yet is not a failure: the panel says so.
      if (error instanceof ApiFailure && error.code === 'NO_DATA') return null
      throw error
    }),
    api(`${FEATURES_API}/query`, queryBody(featureId, state, window)),
    api(dqPath(featureId, window)),
  ])
  return {
    spec: /** @type {FeatureSpec} */ (spec),
    latest,
    series: /** @type {import('./explorer-series.js').QueryResult[]} */ (results)[0] ?? missing('query'),
    dq: /** @type {{ features: import('./explorer-catalog.js').DqFeature[] }} */ (dq).features[0] ?? missing('dq'),
  }
}

/** @param {string} what @returns {never} */
function missing(what) {
  throw new ApiFailure(`The API's ${what} answer held no result for this feature`, 200)
}

/**
 * @param {Awaited<ReturnType<typeof loadFeature>>} loaded
 * @param {FeatureChart} chart
 */
function render({ spec, latest, series, dq }, chart) {
  byId('detail-hint').hidden = true
  byId('detail-body').hidden = false
  byId('detail-title').textContent = `Feature · ${spec.id}`
  byId('d-id').textContent = spec.id
  byId('d-description').textContent = spec.description
  pairs('d-spec', specPairs(spec))
  if (latest === null) pairs('d-latest', [{ name: 'Value', text: 'no point was ever published' }])
  else {
    const view = latestView(latest, spec.unit)
    pairs('d-latest', [
      { name: 'Value', text: view.value },
      { name: 'Event time', text: view.ts },
      { name: 'Age', text: view.age, bad: latest.stale },
      { name: 'Confidence', text: view.confidence },
      { name: 'Ingested', text: view.ingested },
    ])
  }
  byId('coverage').textContent = coverageText(series.coverage)
  byId('series-caption').textContent = `${seriesCaption(series)} · ${series.since} → ${series.until} (UTC)`
  const columns = chartColumns(series)
  const description = `Line chart of ${spec.id} in ${spec.unit} from ${series.since} to ${series.until}: ${seriesCaption(series)}; ${coverageText(series.coverage)}, gaps shaded`
  chart.draw(columns, { label: `${spec.id} (${spec.unit})`, description, showPoints: series.points.length <= 120 })
  pairs('d-dq', dqLines(dq))
}

/** @param {FeatureSpec} spec */
function specPairs(spec) {
  const range = spec.quality?.expected_range
  return [
    { name: 'Entity', text: spec.entity },
    { name: 'Frequency', text: spec.frequency },
    { name: 'Unit', text: spec.unit },
    { name: 'TTL', text: formatAge(spec.ttl_ms) },
    { name: 'Tags', text: spec.tags.join(', ') || '—' },
    { name: 'Source', text: `${spec.source.id} · ${spec.source.class} · ${spec.source.schema}` },
    { name: 'Expected range', text: range ? `${formatNumber(range[0])} … ${formatNumber(range[1])}` : '—' },
    { name: 'Version', text: String(spec.version) },
    { name: 'Active', text: spec.active ? 'yes' : 'no (deactivated)' },
  ]
}

/**
 * A definition list; a line that needs attention says so in words and is marked for colour.
 * @param {string} id
 * @param {{ name: string, text: string, bad?: boolean }[]} lines
 */
function pairs(id, lines) {
  byId(id).replaceChildren(
    ...lines.map((line) => element('div', line.bad ? { class: 'bad' } : {}, [element('dt', {}, [line.name]), element('dd', {}, [line.text])])),
  )
}
