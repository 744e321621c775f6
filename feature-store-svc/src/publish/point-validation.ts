import { EARLIEST_INSTANT, type FeatureSpec, type PublishPoint, type PublishRejection, type RejectionReason } from '@lav/shared/contracts'
import { parseInstant } from '@lav/shared/time'
import type { NewValue } from '../storage/values-repository'

/** How far ahead of the server clock an event time may be: clocks of sources drift. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000

// The earliest event time taken is the API's floor for every instant (contracts: EARLIEST_INSTANT).
const EARLIEST_TS_MS = Date.parse(EARLIEST_INSTANT)

export interface ValidatedBatch {
  accepted: NewValue[]
  rejections: PublishRejection[]
}

type Check = { reason: RejectionReason; message: string } | NewValue

function checkPoint(point: PublishPoint, spec: FeatureSpec | undefined, now: number): Check {
  if (!spec) return { reason: 'unknown_feature', message: `feature ${point.featureId} is not in the catalog` }
  if (!spec.active) return { reason: 'inactive_feature', message: `feature ${point.featureId} is inactive` }
  const ts = parseInstant(point.ts)
  if (ts === null) return { reason: 'invalid_ts', message: `ts "${point.ts}" is not an ISO 8601 instant with an offset` }
  if (ts < EARLIEST_TS_MS) return { reason: 'invalid_ts', message: `ts ${point.ts} is before ${EARLIEST_INSTANT}` }
  if (ts > now + FUTURE_TOLERANCE_MS) return { reason: 'future_ts', message: `ts ${point.ts} is more than 5 minutes in the future` }
  if (!Number.isFinite(point.value)) return { reason: 'non_finite_value', message: 'value must be a finite number' }
  const confidence = point.confidence ?? 1
  if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    return { reason: 'invalid_confidence', message: `confidence ${confidence} is outside [0, 1]` }
  }
  const range = spec.quality?.expected_range
  if (range && (point.value < range[0] || point.value > range[1])) {
    return { reason: 'out_of_range', message: `value ${point.value} is outside the expected range [${range[0]}, ${range[1]}]` }
  }
  const knownAt = point.known_at === undefined ? null : parseInstant(point.known_at)
  if (knownAt === null && point.known_at !== undefined) return { reason: 'invalid_known_at', message: `known_at "${point.known_at}" is not an ISO 8601 instant with an offset` }
  if (knownAt !== null && (knownAt < EARLIEST_TS_MS || knownAt > now + FUTURE_TOLERANCE_MS)) {
    return { reason: 'invalid_known_at', message: `known_at ${point.known_at} is not between ${EARLIEST_INSTANT} and now: a version cannot be known in the future` }
  }
  return { featureId: point.featureId, ts, value: point.value, confidence, meta: point.meta, evidence: point.evidence, knownAt }
}

/**
 * Checks every point on its own. A later point with the same (featureId, ts) wins: the earlier
 * one is reported as `duplicate_in_batch`, so the batch writes each key once.
 */
export function validateBatch(points: PublishPoint[], specs: Map<string, FeatureSpec>, now: number): ValidatedBatch {
  const checks = points.map((point) => checkPoint(point, specs.get(point.featureId), now))
  const lastIndexOfKey = new Map<string, number>()
  checks.forEach((check, index) => {
    if ('ts' in check) lastIndexOfKey.set(`${check.featureId}\u0000${check.ts}`, index)
  })
  const accepted: NewValue[] = []
  const rejections: PublishRejection[] = []
  checks.forEach((check, index) => {
    const featureId = points[index]?.featureId ?? ''
    if (!('ts' in check)) {
      rejections.push({ index, featureId, reason: check.reason, message: check.message })
    } else if (lastIndexOfKey.get(`${check.featureId}\u0000${check.ts}`) !== index) {
      rejections.push({ index, featureId, reason: 'duplicate_in_batch', message: 'a later point in this batch has the same featureId and ts' })
    } else {
      accepted.push(check)
    }
  })
  return { accepted, rejections }
}
