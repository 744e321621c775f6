import type { FaultStack } from './fault-stack'
import { call, startClosedLoop, summarize, until, type LoadSummary, type Operation } from './load'

const FEATURE = 'crypto/btc/spot_price_usd'
const API = '/api/features/v1'

interface Request {
  kind: 'publish' | 'latest'
  value?: number
}

export interface RedisRestartResult {
  summary: LoadSummary
  acknowledged: number
  /** Reads answering a value older than a publish acknowledged before the read started: must be none. */
  stale: Array<{ read: number; acknowledgedBefore: number; during: 'before' | 'outage' | 'after' }>
  /** Answers other than 200 (or 404 NO_DATA from a read, judged by `stale`). */
  unexpected: Operation<Request>[]
  /** Answers during the outage without rate-limit headers (the limiter failed open). */
  bypassed: number
  /**
   * Answers after Redis returned with rate-limit headers again, and without them (a command past
   * the limiter's 500 ms timeout on a loaded machine also fails open, by design).
   */
  limitedAfter: number
  bypassedAfter: number
  /** The slowest answer while Redis was down, in ms: a figure, never asserted. */
  slowestDuringOutageMs: number
}

export interface RedisRestartOptions {
  readers: number
  /** Operations to see before the kill, during the outage and after the restart. */
  opsPerPhase: number
  maxMs: number
}

/**
 * One client publishes ever newer points of a feature through the gateway while others read its
 * `/latest`; the Redis both the rate limit and the cache use is killed (SIGKILL) and restarted
 * with its append-only file, so it comes back holding the values it had before the outage.
 */
export async function runRedisRestart(stack: FaultStack, options: RedisRestartOptions): Promise<RedisRestartResult> {
  const base = Date.now() - 6 * 3_600_000
  const headers = { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }
  const phase = { killedAt: Number.POSITIVE_INFINITY, restartedAt: Number.POSITIVE_INFINITY }
  const load = startClosedLoop<Request>({
    clients: options.readers + 1,
    maxOperations: 1_000_000,
    maxMs: options.maxMs,
    next: (client, seq) => {
      if (client === 0) {
        const value = 10_000 + seq
        const body = JSON.stringify([{ featureId: FEATURE, ts: new Date(base + seq * 1_000).toISOString(), value }])
        return { request: { kind: 'publish', value }, send: () => call(`${stack.gateway.url}${API}/publish`, { method: 'POST', headers, body }) }
      }
      return { request: { kind: 'latest' }, send: () => call(`${stack.gateway.url}${API}/latest?featureId=${encodeURIComponent(FEATURE)}`, { headers }) }
    },
    done: (history) => history.filter((op) => op.startedAt > phase.restartedAt && limited(op)).length >= options.opsPerPhase,
  })
  const since = (at: number) => load.history.filter((op) => op.startedAt > at)
  const publishes = (ops: Operation<Request>[]) => ops.filter((op) => op.request.kind === 'publish').length
  const enough = (ops: Operation<Request>[]) => ops.length >= options.opsPerPhase && publishes(ops) >= 3
  await until(() => enough(load.history), options.maxMs, 'operations before the kill')
  phase.killedAt = performance.now()
  await stack.redis.stop()
  await until(() => enough(since(phase.killedAt)), options.maxMs, 'operations during the outage')
  await stack.redis.start()
  phase.restartedAt = performance.now()
  const history = await load.finished
  return { ...check(history, phase), summary: summarize(history) }
}

const limited = (op: Operation) => op.headers?.['x-ratelimit-limit'] !== undefined

function check(history: Operation<Request>[], phase: { killedAt: number; restartedAt: number }): Omit<RedisRestartResult, 'summary'> {
  const acked = history.filter((op) => op.request.kind === 'publish' && op.status === 200).sort((a, b) => a.endedAt - b.endedAt)
  const during = (op: Operation) => (op.startedAt < phase.killedAt ? 'before' : op.startedAt < phase.restartedAt ? 'outage' : 'after')
  const stale: RedisRestartResult['stale'] = []
  // A read before the first acknowledged publish may find nothing (404 NO_DATA): value 0.
  const answered = (op: Operation<Request>) => op.status === 200 || (op.status === 404 && op.code === 'NO_DATA')
  for (const read of history.filter((op) => op.request.kind === 'latest' && answered(op))) {
    const before = acked.filter((op) => op.endedAt < read.startedAt).map((op) => op.request.value as number)
    const acknowledgedBefore = Math.max(0, ...before)
    const value = read.status === 200 ? (read.body as { value: number }).value : 0
    if (value < acknowledgedBefore) stale.push({ read: value, acknowledgedBefore, during: during(read) })
  }
  const outage = history.filter((op) => during(op) === 'outage')
  const after = history.filter((op) => during(op) === 'after')
  return {
    acknowledged: acked.length,
    stale,
    unexpected: history.filter((op) => !answered(op)),
    bypassed: outage.filter((op) => answered(op) && !limited(op)).length,
    limitedAfter: after.filter(limited).length,
    bypassedAfter: after.filter((op) => !limited(op)).length,
    slowestDuringOutageMs: Math.round(Math.max(0, ...outage.map((op) => op.endedAt - op.startedAt))),
  }
}
