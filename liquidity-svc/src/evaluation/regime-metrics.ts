import { REGIME_STATES, type RegimeOutput } from '@lav/shared/contracts'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { COMPONENTS } from '../signals/types'

export interface RegimeMetricsDeps {
  registry: Registry
  /** The live evaluation (now); the gauges are read from it when Prometheus scrapes. */
  live: () => Promise<RegimeOutput>
}

export interface RegimeMetrics {
  evaluated(kind: 'latest' | 'history', seconds: number): void
  fetchFailed(reason: string): void
}

/**
 * The liquidity metrics of api.md plus duration, flips and fetch failures. Gauges describe the
 * live regime and are refreshed at scrape time from the per-minute cached evaluation, so
 * nothing runs on a timer and an idle service costs nothing. Unavailable values are removed
 * from the gauges rather than reported as 0.
 */
export function createRegimeMetrics({ registry, live }: RegimeMetricsDeps): RegimeMetrics {
  let refreshing: Promise<void> | undefined
  let lastState: string | undefined
  const collect = (): Promise<void> => {
    refreshing ??= live()
      .then(publish)
      // No live regime (the store is down): no gauge keeps an old value as if it were current.
      .catch(() => {
        for (const gauge of [score, state, zscore, coherence, confidence] as Gauge[]) gauge.reset()
      })
      .finally(() => {
        refreshing = undefined
      })
    return refreshing
  }
  const registers = [registry]
  const score = new Gauge({ name: 'liquidity_score', help: 'Components gl, cn, mp on the z scale (-3..3); composite: the 0..100 score', labelNames: ['block'] as const, registers, collect })
  const state = new Gauge({ name: 'liquidity_regime_state', help: '1 for the confirmed regime state, 0 for the others', labelNames: ['state'] as const, registers, collect })
  const zscore = new Gauge({ name: 'liquidity_component_zscore', help: 'z-score of each feed, clamped to ±3', labelNames: ['component', 'feature'] as const, registers, collect })
  const confidence = new Gauge({ name: 'liquidity_confidence', help: 'Confidence of the live regime: coherence × available feeds / 9 (0..1)', registers, collect })
  const coherence = new Gauge({ name: 'liquidity_coherence', help: 'all: share of components agreeing with the score; gl, cn, mp: 1 agrees, 0 opposes', labelNames: ['component'] as const, registers, collect })
  const duration = new Histogram({ name: 'liquidity_evaluation_duration_seconds', help: 'Regime evaluations, fetch included', labelNames: ['kind'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers })
  const flips = new Counter({ name: 'liquidity_regime_flips_total', help: 'Changes of the confirmed live state seen by this process', labelNames: ['from', 'to'] as const, registers })
  // Every from → to pair exists from the start at 0, so increase() sees the first flip too.
  for (const from of REGIME_STATES) for (const to of REGIME_STATES) if (from !== to) flips.inc({ from, to }, 0)
  const failures = new Counter({ name: 'liquidity_feature_fetch_failures_total', help: 'Failed reads from feature-store-svc, by reason', labelNames: ['reason'] as const, registers })

  const setOrRemove = <L extends string>(gauge: Gauge<L>, labels: Partial<Record<L, string>>, value: number | null) =>
    value === null ? gauge.remove(labels) : gauge.set(labels, value)

  function publish(output: RegimeOutput): void {
    for (const component of COMPONENTS) {
      const value = output.components[component]
      setOrRemove(score, { block: component }, value)
      setOrRemove(coherence, { component }, value === null || output.score_raw === null ? null : value * output.score_raw >= 0 ? 1 : 0)
    }
    setOrRemove(score, { block: 'composite' }, output.score_raw === null ? null : output.score)
    coherence.set({ component: 'all' }, output.coherence)
    confidence.set(output.confidence)
    for (const signal of output.signals) setOrRemove(zscore, { component: signal.component, feature: signal.featureId }, signal.z)
    for (const name of REGIME_STATES) state.set({ state: name }, name === output.state ? 1 : 0)
    if (lastState !== undefined && lastState !== output.state) flips.inc({ from: lastState, to: output.state })
    lastState = output.state
  }

  return {
    evaluated: (kind, seconds) => duration.observe({ kind }, seconds),
    fetchFailed: (reason) => failures.inc({ reason }),
  }
}
