import { readFileSync } from 'node:fs'
import { createFeatureStoreClient } from '@lav/shared/sdk'
import { DAY_MS, MINUTE_MS } from '@lav/shared/time'
import { backfill, createMockAdapter } from '@lav/feature-store-svc/ingest'
import { Pool } from 'undici'
import { startChildStack, type Child } from './support/child-stack'
import { percentile } from './support/load-stats'
import { DEFAULT_REDIS_URL, openBenchRedis } from './support/redis-db'
import { row, type Row } from './support/report'

/** Requests per second through the gateway, all kinds together: steady, well below saturation. */
const RATE = 100
const RSS_EVERY_MS = 10_000
const FEEDS = ['macro/us/walcl_total_usd', 'macro/us/tga_balance_usd', 'macro/us/rrp_total_usd', 'crypto/etf/btc_net_flow_usd', 'crypto/etf/eth_net_flow_usd', 'crypto/stables/mcap_total_usd_yoy', 'cex/agg/spot_depth_2pct_usd', 'cex/agg/perp_oi_usd', 'dex/agg/active_liquidity_usd']
const PUBLISHED = 'crypto/btc/spot_price_usd'

interface SoakStack {
  gatewayUrl: string
  storeUrl: string
  token: string
  services: Child[]
  stop(): Promise<void>
}

type Request = { kind: string; method: 'GET' | 'POST'; path: string; body?: string }

/**
 * The stack under a steady mixed load for `minutes`: GET /latest, POST /query, POST /publish,
 * GET /dq and GET /regime/latest through the gateway at RATE req/s, open loop. Per minute: p99 of
 * each kind and every error; every 10 s the RSS of each service. After the first minute (warm-up),
 * each service's RSS must grow by less than 10 % to the end (median of the first measured minute
 * against the median of the last), with 0 errors.
 */
export async function runSoakBench(minutes: number, env: NodeJS.ProcessEnv = process.env): Promise<Row[]> {
  if (!(minutes >= 2)) throw new Error('a soak needs at least 2 minutes: one of warm-up, one measured')
  const stack = await startSoakStack(env)
  try {
    await seed(stack)
    const { perMinute, rss } = await soak(stack, minutes)
    printMinutes(perMinute)
    const errors = perMinute.reduce((sum, minute) => sum + minute.errors, 0)
    const rows = stack.services.map((service) => {
      const growth = rssGrowth(rss.get(service.name) ?? [], minutes)
      console.log(`soak: ${service.name} RSS ${mb(growth.warm)} MB after warm-up → ${mb(growth.end)} MB at the end (${(growth.ratio * 100 - 100).toFixed(1)} %)`)
      return row(`soak ${minutes} min @ ${RATE} req/s: ${service.name} RSS at the end vs after warm-up`, 'MB', growth.end / 1e6, growth.warm / 1e6, { kind: 'max-ratio', value: 1.1 })
    })
    const sent = perMinute.reduce((sum, minute) => sum + minute.sent, 0)
    rows.push(row(`soak ${minutes} min @ ${RATE} req/s: errors (non-2xx or failed) of ${sent.toLocaleString('en-US')} requests`, 'errors', errors, 1, { kind: 'max-result', value: 1 }))
    return rows
  } finally {
    await stack.stop()
  }
}

/** feature-store-svc (with Redis), liquidity-svc and the gateway, each its own process. */
async function startSoakStack(env: NodeJS.ProcessEnv): Promise<SoakStack> {
  const redis = await openBenchRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL, Number(env.SOAK_REDIS_DB ?? 6))
  await redis.flush()
  const stack = await startChildStack(env, { REDIS_URL: redis.url }).catch(async (error) => {
    await redis.close()
    throw error
  })
  stack.defer(() => redis.flush().then(redis.close))
  try {
    const liquidity = await stack.start('liquidity-svc', 'liquidity-svc/src/server.ts', (port) => ({ ...stack.base, FEATURE_STORE_URL: stack.store.url, LIQUIDITY_HOST: '127.0.0.1', LIQUIDITY_PORT: String(port) }))
    const gatewayEnv = (port: number) => ({ ...stack.base, FEATURE_STORE_URL: stack.store.url, LIQUIDITY_URL: liquidity.url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), FEATURE_API_RATE_LIMIT_RPM: String(1_000_000_000) })
    const gateway = await stack.start('gateway', 'gateway/src/server.ts', gatewayEnv)
    return { gatewayUrl: gateway.url, storeUrl: stack.store.url, token: stack.token('oracle.reader oracle.publisher'), services: [stack.store, liquidity, gateway], stop: stack.stop }
  } catch (error) {
    await stack.stop()
    throw error
  }
}

/** 120 days of the demo feeds, as npm start backfills them. */
async function seed(stack: SoakStack): Promise<void> {
  const client = createFeatureStoreClient({ baseUrl: stack.storeUrl, token: stack.token, timeoutMs: 60_000 })
  const specs = (await client.catalog()).filter((spec) => FEEDS.includes(spec.id) || spec.id === PUBLISHED)
  const totals = await backfill({ specs, adapter: createMockAdapter(), publish: (points) => client.publish(points), days: 120, now: Date.now() })
  if (totals.rejected > 0) throw new Error(`the store rejected ${totals.rejected} seed points`)
}

/** The i-th request of the mix: half reads of the latest value, the rest spread over the API. */
function requestAt(i: number, now: number): Request {
  const feed = FEEDS[i % FEEDS.length] as string
  const slot = i % 10
  if (slot < 5) return { kind: 'GET /latest', method: 'GET', path: `/api/features/v1/latest?featureId=${encodeURIComponent(feed)}` }
  if (slot < 7) {
    const body = JSON.stringify({ featureIds: [feed], since: new Date(now - 7 * DAY_MS).toISOString() })
    return { kind: 'POST /query', method: 'POST', path: '/api/features/v1/query', body }
  }
  // A new point each time: the soak grows the store as production does.
  if (slot === 7) return { kind: 'POST /publish', method: 'POST', path: '/api/features/v1/publish', body: JSON.stringify([{ featureId: PUBLISHED, ts: new Date(now - (i % 1000)).toISOString(), value: 60_000 + (i % 997) }]) }
  if (slot === 8) return { kind: 'GET /dq', method: 'GET', path: `/api/features/v1/dq?featureId=${encodeURIComponent(feed)}` }
  return { kind: 'GET /regime/latest', method: 'GET', path: '/api/liquidity/v1/regime/latest' }
}

interface Minute {
  minute: number
  sent: number
  errors: number
  /** 2xx latencies (ms) by kind. */
  latencies: Map<string, number[]>
}

async function soak(stack: SoakStack, minutes: number) {
  const pool = new Pool(stack.gatewayUrl, { connections: 32 })
  const perMinute: Minute[] = Array.from({ length: minutes }, (_, minute) => ({ minute: minute + 1, sent: 0, errors: 0, latencies: new Map() }))
  const rss = new Map<string, { at: number; bytes: number }[]>(stack.services.map((service) => [service.name, []]))
  const started = performance.now()
  const sampleRss = () => {
    for (const service of stack.services) rss.get(service.name)?.push({ at: performance.now() - started, bytes: rssOf(service.child.pid) })
  }
  const sampler = setInterval(sampleRss, RSS_EVERY_MS)
  sampleRss()
  const total = RATE * minutes * 60
  const inFlight = new Set<Promise<void>>()
  const send = async (i: number) => {
    const sentAt = performance.now()
    const minute = perMinute[Math.min(minutes - 1, Math.floor((sentAt - started) / MINUTE_MS))] as Minute
    const request = requestAt(i, Date.now())
    minute.sent++
    try {
      const headers = { authorization: `Bearer ${stack.token}`, ...(request.body ? { 'content-type': 'application/json' } : {}) }
      const response = await pool.request({ path: request.path, method: request.method, headers, body: request.body })
      await response.body.dump()
      if (response.statusCode >= 300) return void minute.errors++
      const list = minute.latencies.get(request.kind) ?? []
      list.push(performance.now() - sentAt)
      minute.latencies.set(request.kind, list)
    } catch {
      minute.errors++
    }
  }
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * RATE) / 1000) + 1)
    while (sent < due) {
      const pending = send(sent++).finally(() => inFlight.delete(pending))
      inFlight.add(pending)
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (sent * 1000) / RATE - performance.now())))
  }
  await Promise.all(inFlight)
  clearInterval(sampler)
  sampleRss()
  await pool.close()
  return { perMinute, rss }
}

/** Resident set size of a process, from /proc (Linux). */
function rssOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024
}

/** Median RSS over the first minute after warm-up and over the last minute. */
export function rssGrowth(samples: { at: number; bytes: number }[], minutes: number) {
  const median = (values: number[]) => percentile(Float64Array.from(values).sort(), 0.5)
  const warm = median(samples.filter((s) => s.at >= MINUTE_MS && s.at < 2 * MINUTE_MS).map((s) => s.bytes))
  const end = median(samples.filter((s) => s.at >= (minutes - 1) * MINUTE_MS).map((s) => s.bytes))
  return { warm, end, ratio: end / warm }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1)

function printMinutes(perMinute: Minute[]): void {
  const kinds = [...new Set(perMinute.flatMap((minute) => [...minute.latencies.keys()]))].sort()
  console.log(`\nsoak, p99 (ms) per minute at ${RATE} req/s through the gateway`)
  console.log(['min', 'sent', 'errors', ...kinds].join('\t'))
  for (const minute of perMinute) {
    const p99 = kinds.map((kind) => percentile(Float64Array.from(minute.latencies.get(kind) ?? []).sort(), 0.99).toFixed(1))
    console.log([minute.minute, minute.sent, minute.errors, ...p99].join('\t'))
  }
}
