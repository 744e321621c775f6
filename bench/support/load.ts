import autocannon, { type Result } from 'autocannon'
import { runPaced } from './paced-load'
import { percentile } from './percentile'

export interface LoadOptions {
  url: string
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  connections: number
  durationS: number
  /** Requests per second, sent open-loop at even intervals; absent means as fast as `connections` go. */
  overallRate?: number
}

export interface LoadResult {
  url: string
  connections: number
  durationS: number
  overallRate: number | null
  requests: number
  rps: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  non2xx: number
  errors: number
}

/**
 * One autocannon run. Latencies are collected from its `response` events rather than read from
 * its histogram: that histogram keeps whole milliseconds, too coarse for sub-ms answers, and in
 * rate mode it back-fills "coordinated omission" samples against a 1 ms interval that does not
 * match the real per-connection interval, which would inflate every percentile.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = []
  const started = performance.now()
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        body: options.body,
        headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    )
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms)
    })
  })
  const elapsedS = (performance.now() - started) / 1000
  const sorted = Float64Array.from(latencies).sort()
  return {
    url: options.url,
    connections: options.connections,
    durationS: options.durationS,
    overallRate: options.overallRate ?? null,
    requests: sorted.length,
    rps: sorted.length / elapsedS,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : 0,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

/** A warm-up run whose numbers are thrown away, then the measured run. */
export async function warmThenRun(options: LoadOptions, warmupS: number): Promise<LoadResult> {
  // A fixed rate is generated open-loop (see paced-load.ts); otherwise autocannon goes flat out.
  const run = options.overallRate ? runPaced : runLoad
  if (warmupS > 0) await run({ ...options, durationS: warmupS })
  const measured = await run(options)
  if (measured.non2xx > 0 || measured.errors > 0) {
    throw new Error(`${options.method ?? 'GET'} ${options.url}: ${measured.non2xx} non-2xx answers and ${measured.errors} errors; the run is not valid`)
  }
  return measured
}

export interface Pair {
  service: LoadResult
  baseline: LoadResult
}

/** The service run, then the baseline run with the same load shape. */
export async function measurePair(service: LoadOptions, baseline: LoadOptions, warmupS: number): Promise<Pair> {
  return { service: await warmThenRun(service, warmupS), baseline: await warmThenRun(baseline, warmupS) }
}
