import postgres from 'postgres'
import type { FaultStack } from './fault-stack'
import { call, startClosedLoop, summarize, until, type LoadSummary, type Operation } from './load'

const DEPTH = 'cex/agg/spot_depth_2pct_usd'
const PERP_OI = 'cex/agg/perp_oi_usd'
const PUBLISH = '/api/features/v1/publish'

/** One publish of two points of two features: a transaction that must land whole or not at all. */
interface Batch {
  ts: string
  depth: number
  oi: number
}

export interface PostgresCrashResult {
  summary: LoadSummary
  acknowledged: number
  /** Acknowledged batches missing (or holding another value) after the restart: must be none. */
  lost: Batch[]
  /** Batches with one point present and the other not: must be none. */
  partial: Batch[]
  /** Failed batches found whole in the database (committed, answer lost), and found absent. */
  failedPresent: number
  failedAbsent: number
  /** Answers other than 200 or 503 (503: the documented "database down, nothing written"). */
  unexpected: Operation<Batch>[]
  /** Every failed batch sent again after recovery: how many were accepted, and whether all are now present. */
  retried: { sent: number; ok: number; allPresent: boolean }
}

export interface PostgresCrashOptions {
  clients: number
  /** Acknowledged publishes to see before the crash, and after the restart. */
  okBefore: number
  okAfter: number
  /** Failed publishes to see during the outage before PostgreSQL starts again. */
  failuresDuring: number
  maxMs: number
}

/**
 * Clients publish through the gateway while the store's PostgreSQL is crashed (`pg_ctl stop -m
 * immediate`) and started again; no service is restarted. The history is then checked against
 * what the database holds.
 */
export async function runPostgresCrash(stack: FaultStack, options: PostgresCrashOptions): Promise<PostgresCrashResult> {
  const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000
  const headers = { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }
  const send = (batch: Batch) =>
    call(`${stack.gateway.url}${PUBLISH}`, {
      method: 'POST',
      headers,
      body: JSON.stringify([
        { featureId: DEPTH, ts: batch.ts, value: batch.depth },
        { featureId: PERP_OI, ts: batch.ts, value: batch.oi },
      ]),
    })
  let restartedAt = Number.POSITIVE_INFINITY
  const load = startClosedLoop<Batch>({
    clients: options.clients,
    maxOperations: 1_000_000,
    maxMs: options.maxMs,
    next: (client, seq) => {
      const n = seq * options.clients + client
      const batch = { ts: new Date(base - n * 1_000).toISOString(), depth: 1e9 + n, oi: 1e10 + n }
      return { request: batch, send: () => send(batch) }
    },
    done: (history) => history.filter((op) => op.status === 200 && op.startedAt > restartedAt).length >= options.okAfter,
  })
  const count = (predicate: (op: Operation<Batch>) => boolean) => load.history.filter(predicate).length
  await until(() => count((op) => op.status === 200) >= options.okBefore, options.maxMs, 'publishes before the crash')
  await stack.pg.crash()
  const crashedAt = performance.now()
  await until(() => count((op) => op.status !== 200 && op.startedAt > crashedAt) >= options.failuresDuring, options.maxMs, 'failed publishes during the outage')
  await stack.pg.start()
  restartedAt = performance.now()
  const history = await load.finished
  return { ...(await check(stack, history)), summary: summarize(history) }
}

async function check(stack: FaultStack, history: Operation<Batch>[]): Promise<Omit<PostgresCrashResult, 'summary'>> {
  const sql = postgres(stack.pg.url, { max: 1, onnotice: () => {} })
  try {
    const stored = async () => {
      const rows = await sql<{ feature_id: string; ts: Date; value: number }[]>`
        select feature_id, ts, value from features_values where feature_id in (${DEPTH}, ${PERP_OI})`
      return new Map(rows.map((row) => [`${row.feature_id}|${row.ts.toISOString()}`, row.value]))
    }
    const before = await stored()
    const parts = (batch: Batch) => [before.get(`${DEPTH}|${batch.ts}`) === batch.depth, before.get(`${PERP_OI}|${batch.ts}`) === batch.oi]
    const acked = history.filter((op) => op.status === 200 && (op.body as { accepted?: number }).accepted === 2)
    const failed = history.filter((op) => op.status !== 200)
    const failedParts = failed.map((op) => parts(op.request))
    const retries = []
    for (const op of failed) retries.push(await call(`${stack.gateway.url}${PUBLISH}`, retryInit(stack.token, op.request)))
    const after = await stored()
    return {
      acknowledged: acked.length,
      lost: acked.filter((op) => !parts(op.request).every(Boolean)).map((op) => op.request),
      partial: history.filter((op) => new Set(parts(op.request)).size === 2).map((op) => op.request),
      failedPresent: failedParts.filter((p) => p.every(Boolean)).length,
      failedAbsent: failedParts.filter((p) => !p.some(Boolean)).length,
      unexpected: history.filter((op) => op.status !== 200 && op.status !== 503),
      retried: {
        sent: retries.length,
        ok: retries.filter((answer) => answer.status === 200).length,
        allPresent: failed.every((op) => after.get(`${DEPTH}|${op.request.ts}`) === op.request.depth && after.get(`${PERP_OI}|${op.request.ts}`) === op.request.oi),
      },
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

function retryInit(token: string, batch: Batch): RequestInit {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify([
      { featureId: DEPTH, ts: batch.ts, value: batch.depth },
      { featureId: PERP_OI, ts: batch.ts, value: batch.oi },
    ]),
  }
}
