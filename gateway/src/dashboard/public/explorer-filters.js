// @ts-check
/// <reference lib="dom" />
// The catalog's filter controls: they show the state, and every change becomes a new state.
import { byId, element } from './dom.js'
import { tagCounts } from './explorer-catalog.js'
import { defaultState } from './explorer-state.js'

const TYPING_PAUSE_MS = 200

/** @typedef {import('./explorer-state.js').ExplorerState} ExplorerState */

const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (byId(id))
const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id))

/**
 * @param {() => ExplorerState} current
 * @param {(next: ExplorerState) => void} commit
 * @returns {() => void} drops a search still waiting for the typing pause: after back/forward it
 *   would otherwise rewrite the address just restored
 */
export function bindFilterControls(current, commit) {
  select('f-entity').addEventListener('change', () => commit({ ...current(), entity: /** @type {ExplorerState['entity']} */ (select('f-entity').value || null) }))
  select('f-frequency').addEventListener('change', () => commit({ ...current(), frequency: /** @type {ExplorerState['frequency']} */ (select('f-frequency').value || null) }))
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typing
  input('f-q').addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(() => commit({ ...current(), q: input('f-q').value.slice(0, 200) }), TYPING_PAUSE_MS)
  })
  byId('f-tag-list').addEventListener('change', (event) => {
    const box = /** @type {HTMLInputElement} */ (event.target)
    const tags = new Set(current().tags)
    if (box.checked) tags.add(box.value)
    else tags.delete(box.value)
    commit({ ...current(), tags: [...tags].sort() })
  })
  const clear = () => {
    const { entity, frequency, tags, q } = defaultState()
    commit({ ...current(), entity, frequency, tags, q })
  }
  byId('f-clear').addEventListener('click', clear)
  byId('empty-clear').addEventListener('click', clear)
  return () => clearTimeout(typing)
}

/** Puts the state into the controls (after a load, back/forward or a commit). @param {ExplorerState} state */
export function showFilterControls(state) {
  select('f-entity').value = state.entity ?? ''
  select('f-frequency').value = state.frequency ?? ''
  // Never rewrite the box under the reader's fingers: only when the address changed it.
  if (document.activeElement !== byId('f-q')) input('f-q').value = state.q
  for (const box of byId('f-tag-list').querySelectorAll('input')) box.checked = state.tags.includes(box.value)
}

let shownTags = ''

/**
 * One checkbox per tag of the catalog, with how many features carry it; a tag the address names
 * that no feature has is listed too, so it can be unticked. Rebuilt only when the list changes,
 * so keyboard focus stays on the box just ticked.
 * @param {import('./explorer-catalog.js').FeatureSpec[]} features
 * @param {ExplorerState} state
 */
export function showTagChoices(features, state) {
  const counts = tagCounts(features)
  const known = new Set(counts.map((entry) => entry.tag))
  const choices = [...counts, ...state.tags.filter((tag) => !known.has(tag)).map((tag) => ({ tag, count: 0 }))]
  const key = choices.map((entry) => `${entry.tag}:${entry.count}`).join('|')
  if (key !== shownTags) {
    shownTags = key
    byId('f-tag-list').replaceChildren(
      ...choices.map(({ tag, count }) =>
        element('label', { class: 'tag' }, [element('input', { type: 'checkbox', value: tag, name: 'tag' }), ` ${tag} `, element('small', {}, [`(${count})`])]),
      ),
    )
  }
  for (const box of byId('f-tag-list').querySelectorAll('input')) box.checked = state.tags.includes(box.value)
}
