import autocannon, { type Result } from 'autocannon'
import { runPaced } from './paced-load'
import { loadRun } from './load-stats'

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

/** One run's result with what combining runs needs: every 2xx latency, sorted, and the time taken. */
export interface LoadRun extends LoadResult {
  samples: Float64Array
  elapsedS: number
}

/**
 * One autocannon run. Latencies are collected from its `response` events rather than read from
 * its histogram: that histogram keeps whole milliseconds, too coarse for sub-ms answers, and in
 * rate mode it back-fills "coordinated omission" samples against a 1 ms interval that does not
 * match the real per-connection interval, which would inflate every percentile.
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
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
  return loadRun(options, options.connections, Float64Array.from(latencies).sort(), elapsedS, { non2xx: result.non2xx, errors: result.errors + result.timeouts })
}

// A fixed rate is generated open-loop (see paced-load.ts); otherwise autocannon goes flat out.
const runnerFor = (options: LoadOptions) => (options.overallRate ? runPaced : runLoad)

async function validRun(options: LoadOptions): Promise<LoadRun> {
  const run = await runnerFor(options)(options)
  if (run.non2xx > 0 || run.errors > 0) {
    throw new Error(`${options.method ?? 'GET'} ${options.url}: ${run.non2xx} non-2xx answers and ${run.errors} errors; the run is not valid`)
  }
  return run
}

/** Runs of the same load as one result: rates over the summed time, percentiles over all samples. */
export function combine(options: LoadOptions, runs: LoadRun[]): LoadResult {
  const samples = new Float64Array(runs.reduce((sum, run) => sum + run.samples.length, 0))
  let offset = 0
  for (const run of runs) {
    samples.set(run.samples, offset)
    offset += run.samples.length
  }
  const failures = { non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0), errors: runs.reduce((sum, run) => sum + run.errors, 0) }
  const elapsedS = runs.reduce((sum, run) => sum + run.elapsedS, 0)
  // Without the samples: the result goes into results/latest.json.
  const { samples: _samples, elapsedS: _elapsed, ...result } = loadRun(options, runs[0]?.connections ?? options.connections, samples.sort(), elapsedS, failures)
  return result
}

/** A warm-up run whose numbers are thrown away, then the measured run. */
export async function warmThenRun(options: LoadOptions, warmupS: number): Promise<LoadResult> {
  if (warmupS > 0) await runnerFor(options)({ ...options, durationS: warmupS })
  return combine(options, [await validRun(options)])
}

export interface Pair {
  service: LoadResult
  baseline: LoadResult
}

/**
 * Both warmed up, then each measured in two halves in the order service, baseline, baseline,
 * service: the machine is shared and its speed drifts, and this order makes a steady drift weigh
 * on both sides alike instead of on whichever ran second.
 */
export async function measurePair(service: LoadOptions, baseline: LoadOptions, warmupS: number): Promise<Pair> {
  if (warmupS > 0) {
    await runnerFor(service)({ ...service, durationS: warmupS })
    await runnerFor(baseline)({ ...baseline, durationS: warmupS })
  }
  const half = (options: LoadOptions) => validRun({ ...options, durationS: options.durationS / 2 })
  const serviceFirst = await half(service)
  const baselineFirst = await half(baseline)
  const baselineSecond = await half(baseline)
  const serviceSecond = await half(service)
  return { service: combine(service, [serviceFirst, serviceSecond]), baseline: combine(baseline, [baselineFirst, baselineSecond]) }
}
