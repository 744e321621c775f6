import { DAY_MS } from '@lav/shared/time'
import { createMockAdapter } from '@lav/feature-store-svc/ingest'
import { toSeries } from '../src/signals/series'
import type { EvaluationData, FeedSeries } from '../src/signals/types'
import { LIQUIDITY_SPECS } from './harness'

/** What the demo backfill publishes over [now − days, now], read back as evaluation input without a store. */
export async function mockEvaluationData(now: number, days: number): Promise<EvaluationData> {
  const adapter = createMockAdapter()
  const series = new Map<string, FeedSeries>()
  for (const spec of LIQUIDITY_SPECS) {
    const points = await adapter.load(spec, now - days * DAY_MS, now)
    series.set(spec.id, toSeries(points.map((point) => ({ ts: Date.parse(point.ts), value: point.value }))))
  }
  return { series, ttlMs: new Map(LIQUIDITY_SPECS.map((spec) => [spec.id, spec.ttl_ms])) }
}
