import type { FaultStack } from './fault-stack'
import { call, startClosedLoop, summarize, until, type LoadSummary, type Operation } from './load'

const FEATURE = 'cex/agg/spot_depth_2pct_usd'
const PATHS = {
  features: `/api/features/v1/latest?featureId=${encodeURIComponent(FEATURE)}`,
  liquidity: '/api/liquidity/v1/regime/latest',
}
type Upstream = keyof typeof PATHS

/** What the gateway documents for an upstream that is down: nothing else may come back. */
const DOCUMENTED: Record<Upstream, string[]> = {
  // Connection refused before the breaker opens (gateway README), then the open breaker.
  features: ['502 UPSTREAM_UNREACHABLE', '503 UPSTREAM_UNAVAILABLE'],
  // liquidity-svc itself is up and says the store is down, then the gateway's breaker opens.
  liquidity: ['503 FEATURE_STORE_UNAVAILABLE', '503 UPSTREAM_UNAVAILABLE'],
}

export interface StoreKilledResult {
  summary: LoadSummary
  /** Non-200 answers outside DOCUMENTED, or any non-200 answered before the kill. */
  unexpected: Operation<Upstream>[]
  /** Per upstream: did its breaker open (503 UPSTREAM_UNAVAILABLE with retry-after)? */
  breakerOpened: Record<Upstream, boolean>
  /** Every client's last answer was 200: both paths recovered once the store was back. */
  recovered: boolean
  okAfterRestart: Record<Upstream, number>
}

export interface StoreKilledOptions {
  clients: number
  /** Answers to see before the kill, and 200s on each path after the restart. */
  opsPerPhase: number
  maxMs: number
}

/**
 * Clients read a feature's `/latest` and the regime through the gateway while feature-store-svc is
 * killed (SIGKILL) and started again on its port; liquidity-svc and the gateway keep running.
 */
export async function runStoreKilled(stack: FaultStack, options: StoreKilledOptions): Promise<StoreKilledResult> {
  const headers = { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }
  const seeded = await call(`${stack.store.url}/api/features/v1/publish`, {
    method: 'POST',
    headers,
    body: JSON.stringify([{ featureId: FEATURE, ts: new Date(Date.now() - 60_000).toISOString(), value: 1e9 }]),
  })
  if (seeded.status !== 200) throw new Error(`seeding failed: ${seeded.status}`)
  const phase = { killedAt: Number.POSITIVE_INFINITY, restartedAt: Number.POSITIVE_INFINITY }
  const upstreamOf = (client: number): Upstream => (client % 2 === 0 ? 'features' : 'liquidity')
  const okAfter = (history: Operation<Upstream>[], upstream: Upstream) =>
    history.filter((op) => op.request === upstream && op.status === 200 && op.startedAt > phase.restartedAt).length
  const load = startClosedLoop<Upstream>({
    clients: options.clients,
    maxOperations: 1_000_000,
    maxMs: options.maxMs,
    failurePauseMs: 10,
    next: (client) => ({ request: upstreamOf(client), send: () => call(`${stack.gateway.url}${PATHS[upstreamOf(client)]}`, { headers }) }),
    done: (history) => okAfter(history, 'features') >= options.opsPerPhase && okAfter(history, 'liquidity') >= options.opsPerPhase,
  })
  await until(() => load.history.length >= options.opsPerPhase, options.maxMs, 'answers before the kill')
  phase.killedAt = performance.now()
  await stack.store.kill()
  await until(() => (['features', 'liquidity'] as const).every((upstream) => breakerOpen(load.history, upstream)), options.maxMs, 'both breakers open')
  await stack.store.start()
  phase.restartedAt = performance.now()
  const history = await load.finished
  const lastOfEach = new Map<number, Operation<Upstream>>()
  for (const op of history) if ((lastOfEach.get(op.client)?.seq ?? -1) < op.seq) lastOfEach.set(op.client, op)
  return {
    summary: summarize(history),
    unexpected: history.filter((op) => op.status !== 200 && (op.endedAt < phase.killedAt || !DOCUMENTED[op.request].includes(`${op.status} ${op.code}`))),
    breakerOpened: { features: breakerOpen(history, 'features'), liquidity: breakerOpen(history, 'liquidity') },
    recovered: [...lastOfEach.values()].every((op) => op.status === 200),
    okAfterRestart: { features: okAfter(history, 'features'), liquidity: okAfter(history, 'liquidity') },
  }
}

const breakerOpen = (history: Operation<Upstream>[], upstream: Upstream) =>
  history.some((op) => op.request === upstream && op.status === 503 && op.code === 'UPSTREAM_UNAVAILABLE' && Number(op.headers?.['retry-after']) > 0)
