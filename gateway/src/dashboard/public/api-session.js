// @ts-check
/// <reference lib="dom" />
// The reader's token, every API call and the refresh cycle of the dashboard's pages: one place
// decides where the token lives (this tab's sessionStorage) and what a failed call tells the reader.
import { byId } from './dom.js'
import { failureText, tokenFromHash } from './view-model.js'

const TOKEN_KEY = 'lav.dashboard.token'

/** A failed API call: the reader's message, and the status and code for pages that act on them. */
export class ApiFailure extends Error {
  /**
   * @param {string} message
   * @param {number | null} status null: the gateway was not reached
   * @param {string | null} code the API's error code (FEATURE_NOT_FOUND, NO_DATA, …)
   */
  constructor(message, status, code = null) {
    super(message)
    this.status = status
    this.code = code
  }
}

/**
 * A link may carry a token (`#token=…`, as npm start prints it): keep it for this tab only and
 * take it out of the address bar and history at once, leaving the rest of the address as it is.
 */
export function takeTokenFromAddress() {
  const handedOver = tokenFromHash(location.hash)
  if (!handedOver) return
  sessionStorage.setItem(TOKEN_KEY, handedOver)
  history.replaceState(history.state, '', `${location.pathname}${location.search}`)
}

/** @param {string} token */
function useToken(token) {
  if (token.trim()) sessionStorage.setItem(TOKEN_KEY, token.trim())
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY)
}

/**
 * What every page of the dashboard does around its own `refresh`: the token form (Use, Forget),
 * the Refresh button, a refresh now and every `everyMs` while the tab is visible. A hidden tab
 * stops asking (and stops spending the reader's rate limit); it catches up when shown.
 * @param {() => Promise<void>} refresh
 * @param {number} everyMs
 */
export function runPage(refresh, everyMs) {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = /** @type {HTMLInputElement} */ (byId('token'))
    useToken(input.value)
    input.value = ''
    void refresh()
  })
  byId('refresh').addEventListener('click', () => void refresh())
  byId('forget').addEventListener('click', () => {
    forgetToken()
    void refresh()
  })
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refresh()
  })
  void refresh()
  setInterval(() => {
    if (!document.hidden) void refresh()
  }, everyMs)
}

/**
 * A call through this gateway with the reader's token; JSON in and out.
 * @param {string} path
 * @param {unknown} [body] sent as JSON with POST when given
 */
export async function api(path, body) {
  const token = sessionStorage.getItem(TOKEN_KEY)
  /** @type {Record<string, string>} */
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  const init = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }
  const response = await fetch(path, init).catch(() => {
    throw new ApiFailure('The gateway could not be reached: is the stack still running?', null)
  })
  const answer = await response.json().catch(() => null)
  if (!response.ok) throw new ApiFailure(failureText(response.status, answer, retryAfter(response)), response.status, answer?.code ?? null)
  return answer
}

/** @param {Response} response */
function retryAfter(response) {
  const seconds = Number(response.headers.get('retry-after'))
  return response.headers.has('retry-after') && Number.isFinite(seconds) ? seconds : null
}
