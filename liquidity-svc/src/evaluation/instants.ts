import { DAY_MS, MINUTE_MS } from '@lav/shared/time'

/**
 * The instant an evaluation describes: the requested one rounded down to the whole minute, so
 * requests within a minute share one evaluation (and never describe a moment still to come).
 */
export function evaluationInstant(requested: number): number {
  return Math.floor(requested / MINUTE_MS) * MINUTE_MS
}

/**
 * until' − k·24h for k = 0, 1, … while ≥ since', ascending, where both bounds are rounded down
 * to the minute like asOf: the API works at minute resolution, so since = until is one instant.
 */
export function historyInstants(since: number, until: number): number[] {
  const last = evaluationInstant(until)
  const count = historyLength(since, until)
  return Array.from({ length: count }, (_, index) => last - (count - 1 - index) * DAY_MS)
}

export function historyLength(since: number, until: number): number {
  const [first, last] = [evaluationInstant(since), evaluationInstant(until)]
  return last < first ? 0 : Math.floor((last - first) / DAY_MS) + 1
}
