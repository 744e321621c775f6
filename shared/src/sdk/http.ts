import { FeatureStoreError, FeatureStoreNetworkError, FeatureStoreTimeoutError, errorFromResponse } from './errors'

export type HttpConfig = {
  /** Base of every path, e.g. `http://127.0.0.1:8080/api/features/v1`. */
  baseUrl: string
  tokenProvider?: () => string | Promise<string>
  timeoutMs: number
  retries: number
  retryBaseDelayMs: number
  maxRetryDelayMs: number
  fetch: typeof fetch
  userAgent: string
}

export type HttpRequest = {
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string | undefined>
  body?: unknown
  /** Only calls that are safe to repeat may be retried. */
  retry: boolean
  correlationId?: string
}

type Failure = { error: FeatureStoreError; retryable: boolean; retryAfterMs?: number }
type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure }

// 429 and the gateway's 502/503/504 mean the request was not served; other statuses would repeat.
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])

export async function send<T>(config: HttpConfig, request: HttpRequest): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce<T>(config, request)
    if (outcome.ok) return outcome.value
    const { error, retryable, retryAfterMs } = outcome.failure
    if (!request.retry || !retryable || attempt >= config.retries) throw error
    await sleep(retryDelayMs(config, attempt, retryAfterMs))
  }
}

async function attemptOnce<T>(config: HttpConfig, request: HttpRequest): Promise<Outcome<T>> {
  const what = `${request.method} ${request.path}`
  const headers = await headersFor(config, request)
  let answer: { response: Response; text: string }
  try {
    answer = await fetchText(config, request, headers)
  } catch (cause) {
    const error = transportError(what, config.timeoutMs, request.correlationId, cause)
    return { ok: false, failure: { error, retryable: true } }
  }
  const { response, text } = answer
  const correlationId = response.headers.get('x-correlation-id') ?? request.correlationId
  if (!response.ok) {
    const error = errorFromResponse(what, response.status, text, correlationId)
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'))
    return { ok: false, failure: { error, retryable: RETRYABLE_STATUSES.has(response.status), retryAfterMs } }
  }
  return { ok: true, value: parseJson<T>(what, response.status, text, correlationId) }
}

// The timeout covers reading the body too: a server that stalls mid-answer is still a timeout.
async function fetchText(config: HttpConfig, request: HttpRequest, headers: Record<string, string>) {
  const response = await config.fetch(urlFor(config, request), {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(config.timeoutMs),
  })
  return { response, text: await response.text() }
}

async function headersFor(config: HttpConfig, request: HttpRequest): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': config.userAgent }
  // Asked on every attempt so a retry after a long wait carries a refreshed token.
  const token = await config.tokenProvider?.()
  if (token) headers.authorization = `Bearer ${token}`
  if (request.correlationId) headers['x-correlation-id'] = request.correlationId
  if (request.body !== undefined) headers['content-type'] = 'application/json'
  return headers
}

function urlFor(config: HttpConfig, request: HttpRequest): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined && value !== '') params.set(name, value)
  }
  const search = params.toString()
  return `${config.baseUrl}${request.path}${search ? `?${search}` : ''}`
}

function parseJson<T>(what: string, status: number, text: string, correlationId?: string): T {
  try {
    return JSON.parse(text) as T
  } catch (cause) {
    const message = `${what} answered ${status} with a body that is not JSON`
    throw new FeatureStoreError({ message, status, code: 'INVALID_RESPONSE', body: text, correlationId, cause })
  }
}

function transportError(what: string, timeoutMs: number, correlationId: string | undefined, cause: unknown) {
  if (cause instanceof Error && cause.name === 'TimeoutError') {
    return new FeatureStoreTimeoutError(`${what} timed out after ${timeoutMs} ms`, correlationId, cause)
  }
  return new FeatureStoreNetworkError(`${what} could not reach the feature store: ${describe(cause)}`, correlationId, cause)
}

// undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, …) in `cause`.
function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause)
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : ''
  return `${cause.message}${inner}`
}

/** `retry-after` in seconds or as an HTTP date (RFC 9110 allows both). */
function parseRetryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function retryDelayMs(config: HttpConfig, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, config.maxRetryDelayMs)
  // Half fixed, half random: keeps the exponential floor while spreading clients that failed together.
  const exponential = config.retryBaseDelayMs * 2 ** attempt
  return Math.min(exponential / 2 + Math.random() * (exponential / 2), config.maxRetryDelayMs)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
