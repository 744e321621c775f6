// @ts-check
/// <reference lib="dom" />
// The few DOM helpers every page of the dashboard uses.

/** @param {string} id */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id))

/**
 * @param {string} tag
 * @param {Record<string, string>} attributes
 * @param {(string | Node)[]} children
 */
export function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  node.append(...children)
  return node
}

/**
 * The status line under the header: what was last loaded, or why it was not.
 * @param {string} text
 * @param {'ok' | 'error'} kind
 */
export function setStatus(text, kind) {
  const status = byId('status')
  status.textContent = text
  status.className = kind
}
