/** One operation of a client, as a Jepsen-style history records it: what was asked, what came back. */
export interface Operation<Request = unknown> {
  client: number
  seq: number
  request: Request
  /** performance.now() when the request left and when its answer (or failure) arrived. */
  startedAt: number
  endedAt: number
  /** HTTP status; 0 when no answer came (connection refused, reset, timed out). */
  status: number
  code?: string
  body?: unknown
  headers?: Record<string, string>
  error?: string
}

export interface Answer {
  status: number
  code?: string
  body?: unknown
  headers: Record<string, string>
  error?: string
}

/** One HTTP call to 127.0.0.1 that never throws: a failure is an answer with status 0. */
export async function call(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`load targets only 127.0.0.1, not ${url}`)
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 15_000) })
    const text = await response.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: kept as text
    }
    const code = typeof body === 'object' && body && 'code' in body ? String((body as { code: unknown }).code) : undefined
    return { status: response.status, code, body, headers: Object.fromEntries(response.headers) }
  } catch (error) {
    return { status: 0, headers: {}, error: (error as Error).message }
  }
}

export interface LoadOptions<Request> {
  clients: number
  /** Upper bound on operations over all clients. */
  maxOperations: number
  /** Upper bound on the run's duration, whatever `done` says. */
  maxMs: number
  /** The operation of client `client` number `seq`: its request, and how to send it. */
  next(client: number, seq: number): { request: Request; send(): Promise<Answer> }
  /** Ends the run early once true (checked before each operation). */
  done?(history: Operation<Request>[]): boolean
  /** Pause after a failed operation, so clients do not spin on an outage. */
  failurePauseMs?: number
}

export interface RunningLoad<Request> {
  /** Filled as answers arrive, so a fault can be timed on the load's progress. */
  history: Operation<Request>[]
  finished: Promise<Operation<Request>[]>
}

/** N clients, each sending its next request when the last one was answered (a closed loop). */
export function startClosedLoop<Request>(options: LoadOptions<Request>): RunningLoad<Request> {
  const history: Operation<Request>[] = []
  const deadline = performance.now() + options.maxMs
  let issued = 0
  const client = async (id: number) => {
    for (let seq = 0; ; seq++) {
      if (issued >= options.maxOperations || performance.now() > deadline || options.done?.(history)) return
      issued++
      const { request, send } = options.next(id, seq)
      const startedAt = performance.now()
      const answer = await send()
      history.push({ client: id, seq, request, startedAt, endedAt: performance.now(), ...answer })
      if (answer.status >= 500 || answer.status === 0) await new Promise((resolve) => setTimeout(resolve, options.failurePauseMs ?? 20))
    }
  }
  const finished = Promise.all(Array.from({ length: options.clients }, (_, id) => client(id))).then(() => history)
  return { history, finished }
}

export interface LoadSummary {
  sent: number
  answered: number
  ok: number
  status5xx: number
  status503: number
  byStatus: Record<string, number>
}

export function summarize(history: Operation[]): LoadSummary {
  const byStatus: Record<string, number> = {}
  for (const op of history) {
    const key = op.status === 0 ? 'no answer' : `${op.status}${op.code ? ` ${op.code}` : ''}`
    byStatus[key] = (byStatus[key] ?? 0) + 1
  }
  return {
    sent: history.length,
    answered: history.filter((op) => op.status !== 0).length,
    ok: history.filter((op) => op.status === 200).length,
    status5xx: history.filter((op) => op.status >= 500).length,
    status503: history.filter((op) => op.status === 503).length,
    byStatus,
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` is true; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(50)
  }
}
