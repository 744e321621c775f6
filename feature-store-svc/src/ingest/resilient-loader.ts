import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  wrap,
  type FailureReason,
} from 'cockatiel'
import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { isPermanentSourceError } from './adapters/source-errors'
import type { SourceAdapter } from './source-adapter'

export interface ResilientLoaderOptions {
  /** Calls to the adapter per load, the first included. Default 3. */
  readonly attempts?: number
  /** Loads that must fail in a row (after their retries) to open the breaker. Default 5. */
  readonly breakerThreshold?: number
  /** How long the breaker stays open before letting one trial load through. Default 30 s. */
  readonly halfOpenAfterMs?: number
  /** First retry delay; later ones grow exponentially with jitter. Default 200 ms. */
  readonly initialDelayMs?: number
  /** Ceiling of a retry delay. Default 10 s. */
  readonly maxDelayMs?: number
  readonly onEvent?: (event: LoaderEvent) => void
}

export type LoaderEvent =
  | { readonly type: 'retry'; readonly adapter: string; readonly attempt: number; readonly delayMs: number; readonly error: unknown }
  | { readonly type: 'give_up'; readonly adapter: string; readonly error: unknown }
  | { readonly type: 'breaker_open'; readonly adapter: string }
  | { readonly type: 'breaker_half_open'; readonly adapter: string }
  | { readonly type: 'breaker_closed'; readonly adapter: string }

/** Thrown without calling the source while its breaker is open. */
export class SourceCircuitOpenError extends BrokenCircuitError {
  constructor(readonly adapter: string) {
    super(`source "${adapter}" is failing; its circuit breaker is open, so the load was not attempted`)
    this.name = 'SourceCircuitOpenError'
  }
}

function errorOf(reason: FailureReason<unknown>): unknown {
  return 'error' in reason ? reason.error : reason.value
}

/**
 * Wraps `adapter` so each load is retried with exponential backoff, and a source that keeps
 * failing is left alone for a while. The breaker sits outside the retries: it counts failed
 * loads, not attempts, and while open a load fails at once without waiting through backoffs.
 * The wrapper keeps the adapter's name (and other fields), so logs and metrics name the real
 * source. Errors a source marks permanent (SourceError, not transient) are not retried, but
 * still count towards the breaker.
 */
export function createResilientLoader<A extends SourceAdapter>(adapter: A, options: ResilientLoaderOptions = {}): A {
  const { attempts = 3, breakerThreshold = 5, halfOpenAfterMs = 30_000, initialDelayMs = 200, maxDelayMs = 10_000 } = options
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be a positive integer, got ${attempts}`)
  if (!Number.isInteger(breakerThreshold) || breakerThreshold < 1) {
    throw new RangeError(`breakerThreshold must be a positive integer, got ${breakerThreshold}`)
  }
  const emit = options.onEvent ?? (() => {})
  const name = adapter.name
  // A 400, a 451 or a payload we cannot parse fails the same way on every attempt: no retry.
  const retryPolicy = retry(handleWhen((error) => !isPermanentSourceError(error)), {
    maxAttempts: attempts - 1, // cockatiel counts retries, not calls
    backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
  })
  const breakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(breakerThreshold),
  })
  retryPolicy.onRetry((event) => emit({ type: 'retry', adapter: name, attempt: event.attempt, delayMs: event.delay, error: errorOf(event) }))
  retryPolicy.onGiveUp((event) => emit({ type: 'give_up', adapter: name, error: errorOf(event) }))
  breakerPolicy.onBreak(() => emit({ type: 'breaker_open', adapter: name }))
  breakerPolicy.onHalfOpen(() => emit({ type: 'breaker_half_open', adapter: name }))
  breakerPolicy.onReset(() => emit({ type: 'breaker_closed', adapter: name }))
  const policy = wrap(breakerPolicy, retryPolicy)

  return {
    ...adapter,
    name,
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      try {
        return await policy.execute(() => adapter.load(spec, since, until))
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw new SourceCircuitOpenError(name)
        throw error
      }
    },
  }
}
