import type { FeatureSpec } from '@lav/shared/contracts'
import type { ValueRow } from '../storage/values-repository'

/**
 * A stored point as the opening of its JSON object, everything but the fields computed at read
 * time: the latest-value cache keeps this text so a hit costs no parse and no serialiser pass.
 */
export function pointJsonPrefix(row: ValueRow): string {
  const meta = row.meta === null ? '' : `,"meta":${row.meta}`
  const evidence = row.evidence === null ? '' : `,"evidence":${row.evidence}`
  const ingestedAt = new Date(Math.floor(row.ingestedAtUs / 1000)).toISOString()
  return `{"featureId":${JSON.stringify(row.featureId)},"ts":"${new Date(row.ts).toISOString()}","value":${row.value},"confidence":${row.confidence}${meta}${evidence},"ingested_at":"${ingestedAt}"`
}

/** The prefix closed with `stale` and `age_ms` as of `now`: a LatestPoint as JSON text. */
export function latestJson(prefix: string, ts: number, spec: FeatureSpec, now: number): string {
  return `${prefix},"stale":${now - ts > spec.ttl_ms},"age_ms":${now - ts}}`
}
