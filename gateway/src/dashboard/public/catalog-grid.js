// @ts-check
/// <reference lib="dom" />
// The catalog grid: only the rows in view are in the DOM (a 2,000-feature catalog costs about
// forty rows), with ARIA grid semantics and keyboard navigation on the focused grid.
import { element } from './dom.js'
import { visibleRange } from './explorer-catalog.js'

const ROW_HEIGHT = 32
const PAGE_ROWS = 10

/** @typedef {ReturnType<import('./explorer-catalog.js').gridRows>[number]} GridRow */

/**
 * @param {HTMLElement} grid the scrolling element with role="grid"
 * @param {HTMLElement} body the rowgroup the rows go into
 * @param {(id: string) => void} onOpen a row was clicked, or Enter/Space pressed on it
 */
export function createCatalogGrid(grid, body, onOpen) {
  /** @type {GridRow[]} */
  let rows = []
  let active = 0
  /** @type {string | null} */
  let selectedId = null

  const render = () => {
    body.style.height = `${rows.length * ROW_HEIGHT}px`
    grid.setAttribute('aria-rowcount', String(rows.length + 1))
    const { first, last } = visibleRange(grid.scrollTop, grid.clientHeight || 480, ROW_HEIGHT, rows.length)
    const shown = []
    for (let index = first; index < last; index++) shown.push(rowElement(/** @type {GridRow} */ (rows[index]), index, index === active, rows[index]?.id === selectedId))
    body.replaceChildren(...shown)
    // Only a row in the DOM can be the active descendant: scrolled away, the grid names none
    // until a key brings the active row back into view.
    if (rows.length && active >= first && active < last) grid.setAttribute('aria-activedescendant', `row-${active}`)
    else grid.removeAttribute('aria-activedescendant')
  }

  /** Scrolls just enough to show the active row under the sticky header. */
  const reveal = () => {
    const header = grid.querySelector('.grid-head')?.clientHeight ?? ROW_HEIGHT
    const top = active * ROW_HEIGHT
    if (top < grid.scrollTop) grid.scrollTop = top
    else if (top + ROW_HEIGHT > grid.scrollTop + grid.clientHeight - header) grid.scrollTop = top + ROW_HEIGHT - grid.clientHeight + header
  }

  /** @param {number} index */
  const moveTo = (index) => {
    active = Math.max(0, Math.min(rows.length - 1, index))
    reveal()
    render()
  }

  grid.addEventListener('scroll', () => requestAnimationFrame(render), { passive: true })
  grid.addEventListener('click', (event) => {
    const row = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('[data-index]'))
    if (!row) return
    active = Number(row.dataset.index)
    onOpen(/** @type {string} */ (row.dataset.id))
  })
  const openActive = () => {
    const row = rows[active]
    if (row) onOpen(row.id)
  }
  grid.addEventListener('keydown', (event) => {
    /** @type {Record<string, () => void>} */
    const keys = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      PageDown: () => moveTo(active + PAGE_ROWS),
      PageUp: () => moveTo(active - PAGE_ROWS),
      Home: () => moveTo(0),
      End: () => moveTo(rows.length - 1),
      Enter: openActive,
      ' ': openActive,
    }
    const action = keys[event.key]
    if (!action || rows.length === 0) return
    event.preventDefault()
    action()
  })
  new ResizeObserver(() => render()).observe(grid)

  return {
    /**
     * New rows (after a filter or a refresh): the active row follows the selected feature when
     * it is among them, else stays in range.
     * @param {GridRow[]} next
     * @param {string | null} selected
     */
    show(next, selected) {
      rows = next
      selectedId = selected
      const selectedIndex = selected === null ? -1 : rows.findIndex((row) => row.id === selected)
      active = selectedIndex >= 0 ? selectedIndex : Math.min(active, Math.max(0, rows.length - 1))
      if (selectedIndex >= 0) reveal()
      render()
    },
  }
}

/**
 * @param {GridRow} row
 * @param {number} index
 * @param {boolean} isActive
 * @param {boolean} isSelected
 */
function rowElement(row, index, isActive, isSelected) {
  const health = element('span', { role: 'gridcell', class: `health ${row.health.level}`, title: row.health.detail }, [
    element('span', { class: 'symbol', 'aria-hidden': 'true' }, [row.health.symbol]),
    ` ${row.health.label}`,
  ])
  const cell = (/** @type {string} */ text, /** @type {string} */ name) => element('span', { role: 'gridcell', class: name }, [text])
  const node = element(
    'div',
    {
      role: 'row',
      id: `row-${index}`,
      class: `grid-row${isActive ? ' active' : ''}`,
      'aria-rowindex': String(index + 2),
      'aria-selected': String(isSelected),
      'data-index': String(index),
      'data-id': row.id,
    },
    [cell(row.id, 'feature'), cell(row.entity, 'entity'), cell(row.frequency, 'frequency'), cell(row.unit, 'unit'), cell(row.tags, 'tags'), cell(row.version, 'version'), cell(row.active, 'active'), health],
  )
  node.style.top = `${index * ROW_HEIGHT}px`
  return node
}
