import type { FeaturePoint, FeatureSpec, LatestPoint } from '@lav/shared/contracts'
import type { ValueRow } from '../storage/values-repository'

/** The stored row as clients see it; `stale` is computed now, never stored. */
export function toFeaturePoint(row: ValueRow, spec: FeatureSpec, now: number): FeaturePoint {
  return {
    featureId: row.featureId,
    ts: new Date(row.ts).toISOString(),
    value: row.value,
    confidence: row.confidence,
    stale: now - row.ts > spec.ttl_ms,
    ...(row.meta ? { meta: row.meta } : {}),
    ...(row.evidence ? { evidence: row.evidence } : {}),
    ingested_at: new Date(Math.floor(row.ingestedAtUs / 1000)).toISOString(),
  }
}

export function toLatestPoint(row: ValueRow, spec: FeatureSpec, now: number): LatestPoint {
  return { ...toFeaturePoint(row, spec, now), age_ms: now - row.ts }
}
