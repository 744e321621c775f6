import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { toIso } from '@lav/shared/time'
import { redactSecrets, SourceError } from './source-errors'

export interface SourceHttpOptions {
  /** Names the source in every error (e.g. "fred"). */
  readonly source: string
  readonly baseUrl: string
  readonly timeoutMs: number
  /** Longest Retry-After a 429 is waited out for; longer ones fail (transient) at once. */
  readonly maxRetryAfterMs: number
  /** Values scrubbed from every message, e.g. an API key. */
  readonly secrets?: readonly string[]
  /** Query parameters left out of the evidence ref (they hold keys). */
  readonly secretParams?: readonly string[]
  readonly headers?: Readonly<Record<string, string>>
  readonly fetch?: typeof fetch
  readonly sleep?: (ms: number) => Promise<unknown>
  readonly now?: () => number
}

export interface SourceRequest {
  readonly query?: Readonly<Record<string, string | number | undefined>>
  readonly method?: 'GET' | 'POST'
  readonly json?: unknown
}

/** A parsed body and what evidence needs: the URL without secrets, the raw body's hash, when. */
export interface Fetched {
  readonly body: unknown
  readonly ref: string
  readonly hash: string
  readonly fetchedAt: string
}

/** What every HTTP adapter is built from: its source's client, and a clock for tests. */
export interface HttpAdapterOptions {
  readonly http: SourceHttp
  readonly now?: () => number
}

export interface SourceHttp {
  readonly source: string
  get(path: string, request?: SourceRequest): Promise<Fetched>
}

const MAX_RATE_LIMIT_WAITS = 2
const ERROR_SNIPPET_CHARS = 200

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * JSON over fetch for one source: a timeout per request, 429 waited out within a bound, every
 * other failure turned into a SourceError that names the source and never the key.
 */
export function createSourceHttp(options: SourceHttpOptions): SourceHttp {
  const { source, timeoutMs, maxRetryAfterMs, secrets = [], secretParams = [], headers = {} } = options
  const doFetch = options.fetch ?? fetch
  const wait = options.sleep ?? sleep
  const now = options.now ?? Date.now
  const scrub = (text: string) => redactSecrets(text, secrets)

  const urlOf = (path: string, query: SourceRequest['query'] = {}) => {
    const url = new URL(path.replace(/^\//, ''), options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`)
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
    return url
  }
  const refOf = (url: URL) => {
    const clean = new URL(url)
    for (const param of secretParams) clean.searchParams.delete(param)
    return scrub(clean.toString())
  }

  const attempt = async (url: URL, ref: string, request: SourceRequest) => {
    try {
      const response = await doFetch(url, {
        method: request.method ?? 'GET',
        headers: { accept: 'application/json', ...(request.json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        signal: AbortSignal.timeout(timeoutMs),
      })
      return { response, text: await response.text() }
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : `connection failed (${(error as Error).message})`
      throw new SourceError(scrub(`${source}: ${reason} for ${ref}`), source, { transient: true })
    }
  }

  return {
    source,
    async get(path, request = {}) {
      const url = urlOf(path, request.query)
      const ref = refOf(url)
      for (let waits = 0; ; waits++) {
        const { response, text } = await attempt(url, ref, request)
        if (response.status === 429) {
          const delay = retryAfterMs(response.headers.get('retry-after'), now())
          if (delay !== null && delay <= maxRetryAfterMs && waits < MAX_RATE_LIMIT_WAITS) {
            await wait(delay)
            continue
          }
          const after = delay === null ? 'no Retry-After' : `Retry-After ${Math.ceil(delay / 1000)} s`
          throw new SourceError(`${source}: HTTP 429 rate limited (${after}, bound ${maxRetryAfterMs} ms) for ${ref}`, source, { status: 429, transient: true })
        }
        if (!response.ok) {
          const snippet = scrub(text.slice(0, ERROR_SNIPPET_CHARS))
          throw new SourceError(`${source}: HTTP ${response.status} for ${ref}: ${snippet}`, source, { status: response.status, transient: response.status >= 500 })
        }
        return { body: parseJson(source, text, ref), ref, hash: sha256(text), fetchedAt: toIso(now()) }
      }
    },
  }
}

function parseJson(source: string, text: string, ref: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // A cut connection often shows up as a body that simply stops: worth another try.
    throw new SourceError(`${source}: response body is not valid JSON (${text.length} bytes, truncated?) for ${ref}`, source, { transient: true })
  }
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}
