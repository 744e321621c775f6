// @ts-check
/// <reference lib="dom" />
// The page's glue: fetch through the gateway with the reader's token, render the view model.
import { byId, element, setStatus } from './dom.js'
import { api, runPage, takeTokenFromAddress } from './api-session.js'
import { freshnessRows, hintRows, historyPath, regimeView, scoreSparkline } from './view-model.js'

const REFRESH_MS = 30_000
const HISTORY_DAYS = 90

takeTokenFromAddress()

/** @param {import('./view-model.js').Regime} regime */
function renderRegime(regime) {
  const view = regimeView(regime, Date.now())
  byId('regime').dataset.state = view.state
  byId('state').textContent = view.state
  byId('meaning').textContent = view.meaning
  byId('score').textContent = `${view.score} / 100`
  byId('confidence').textContent = view.confidence
  byId('coherence').textContent = view.coherence
  byId('evaluated').textContent = view.evaluatedAgo
  const pending = byId('pending')
  pending.hidden = view.pending === null
  pending.textContent = view.pending ? `The rules give ${view.pending}; it becomes the state once confirmed.` : ''
  byId('data-issues').replaceChildren(...view.dataIssues.map((issue) => element('li', {}, [issue])))
  byId('components').replaceChildren(
    ...view.components.map((bar) =>
      element('li', {}, [
        element('span', { class: 'label' }, [bar.label]),
        element('span', { class: 'track' }, [barFill(bar)]),
        element('span', { class: 'value' }, [bar.value]),
      ]),
    ),
  )
}

/**
 * Positioned through the CSSOM: the page's content security policy refuses style attributes.
 * @param {{ left: number, width: number, sign: string }} bar
 */
function barFill(bar) {
  const fill = element('span', { class: `fill ${bar.sign}` })
  fill.style.left = `${bar.left}%`
  fill.style.width = `${bar.width}%`
  return fill
}

/** @param {{ score: number, state: import('./view-model.js').RegimeState, updated_at: string }[]} history */
function renderHistory(history) {
  const { points, changes } = scoreSparkline(history, 600, 120)
  byId('history-line').setAttribute('points', points)
  byId('history-changes').replaceChildren(
    ...changes.map((change) => {
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'line')
      for (const [name, value] of Object.entries({ x1: change.x, x2: change.x, y1: 0, y2: 120, class: `change ${change.state}` })) line.setAttribute(name, String(value))
      return line
    }),
  )
}

/** @param {import('./view-model.js').Hints} hints */
function renderHints(hints) {
  byId('hints').replaceChildren(
    ...hintRows(hints).map((hint) => element('tr', {}, [element('td', {}, [hint.book]), element('td', { class: `stance ${hint.stance}` }, [hint.stance]), element('td', {}, [hint.rationale])])),
  )
}

/** @param {{ features: import('./view-model.js').DqFeature[] }} report */
function renderDq(report) {
  byId('dq').replaceChildren(
    ...freshnessRows(report.features).map((row) =>
      element('tr', {}, [
        element('td', { class: 'feature' }, [row.featureId]),
        element('td', { class: `chip ${row.status.replace(' ', '-')}` }, [row.status]),
        element('td', {}, [row.age]),
        element('td', {}, [row.ttl]),
        element('td', row.coverageLow ? { class: 'low' } : {}, [row.coverage]),
        element('td', row.rangeViolations > 0 ? { class: 'low' } : {}, [String(row.rangeViolations)]),
      ]),
    ),
  )
}

/** @type {import('./view-model.js').Regime | undefined} */
let shownRegime

/**
 * Each card is redrawn from its own call; a card whose call failed keeps what it showed, marked
 * stale, and the regime's age keeps counting from the evaluation it shows.
 * @param {string} cardId
 * @param {Promise<unknown>} call
 */
async function settle(cardId, call) {
  try {
    await call
    byId(cardId).dataset.stale = 'false'
  } catch (error) {
    // A card that never showed anything stays blank rather than "not updated".
    if (byId(cardId).dataset.stale !== undefined) byId(cardId).dataset.stale = 'true'
    throw error
  }
}

async function refresh() {
  const regime = api('/api/liquidity/v1/regime/latest').then((latest) => (shownRegime = latest))
  const calls = [
    settle('regime', regime.then(renderRegime, (error) => {
      if (shownRegime) renderRegime(shownRegime)
      throw error
    })),
    settle('trend', regime.then((shown) => api(historyPath(shown.updated_at, HISTORY_DAYS))).then(renderHistory)),
    settle('advice', api('/api/liquidity/v1/hints').then(renderHints)),
    settle('quality', api('/api/features/v1/dq').then(renderDq)),
  ]
  const failures = (await Promise.allSettled(calls)).filter((result) => result.status === 'rejected')
  if (failures.length === 0) setStatus(`Updated ${new Date().toLocaleTimeString()}`, 'ok')
  else setStatus(String(failures[0]?.reason?.message ?? failures[0]?.reason), 'error')
}

runPage(refresh, REFRESH_MS)
