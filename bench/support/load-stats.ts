import type { LoadOptions, LoadRun } from './load'

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** A run's figures from its ascending 2xx latencies (ms) and the time it took. */
export function loadRun(options: LoadOptions, connections: number, samples: Float64Array, elapsedS: number, failures: { non2xx: number; errors: number }): LoadRun {
  return {
    url: options.url,
    connections,
    durationS: options.durationS,
    overallRate: options.overallRate ?? null,
    requests: samples.length,
    rps: samples.length / elapsedS,
    p50Ms: percentile(samples, 0.5),
    p99Ms: percentile(samples, 0.99),
    maxMs: samples.length > 0 ? (samples[samples.length - 1] ?? 0) : 0,
    ...failures,
    samples,
    elapsedS,
  }
}
