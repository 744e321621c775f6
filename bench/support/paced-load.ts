import { Pool } from 'undici'
import type { LoadOptions, LoadRun } from './load'
import { loadRun } from './load-stats'

const POOL_CONNECTIONS = 32

/**
 * Open-loop load at a fixed rate: request i is sent at start + i/rate whatever the answers do,
 * as wrk2 does, so the rate really is fixed (autocannon's rate mode sends each connection's
 * share of the second back to back, a burst at saturation). Latency runs from the moment the
 * request is handed to the pool, so waiting for a free connection counts. Needs `overallRate`.
 */
export async function runPaced(options: LoadOptions): Promise<LoadRun> {
  const rate = options.overallRate
  if (!rate) throw new Error('runPaced needs overallRate')
  const url = new URL(options.url)
  const pool = new Pool(url.origin, { connections: POOL_CONNECTIONS, pipelining: 1 })
  const headers = { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers }
  const total = Math.round(rate * options.durationS)
  const latencies = new Float64Array(total)
  let answered = 0
  let non2xx = 0
  let errors = 0

  const send = async () => {
    const sentAt = performance.now()
    try {
      const response = await pool.request({ path: url.pathname + url.search, method: options.method ?? 'GET', headers, body: options.body })
      await response.body.dump()
      if (response.statusCode >= 200 && response.statusCode < 300) latencies[answered++] = performance.now() - sentAt
      else non2xx++
    } catch {
      errors++
    }
  }

  const started = performance.now()
  const inFlight: Promise<void>[] = []
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1)
    while (sent < due) {
      inFlight.push(send())
      sent++
    }
    // Timers fire at ~1 ms granularity: at 2,000 req/s each wake-up sends about two requests.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (sent * 1000) / rate - performance.now())))
  }
  await Promise.all(inFlight)
  const elapsedS = (performance.now() - started) / 1000
  await pool.close()
  return loadRun(options, POOL_CONNECTIONS, latencies.subarray(0, answered).sort(), elapsedS, { non2xx, errors })
}
