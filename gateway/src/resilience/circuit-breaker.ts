export type BreakerState = 'closed' | 'half-open' | 'open'

export interface CircuitBreakerOptions {
  windowMs: number
  minRequests: number
  /** The breaker opens when the failed share of the window is strictly above this. */
  failureRatio: number
  openMs: number
  /** A half-open probe that never reports back is given up after this long. */
  probeTimeoutMs?: number
  now?: () => number
  onStateChange?: (state: BreakerState) => void
}

export type Ticket = { allowed: true; probe: boolean } | { allowed: false; retryAfterSeconds: number }

export interface CircuitBreaker {
  tryAcquire(): Ticket
  record(success: boolean, probe: boolean): void
  state(): BreakerState
}

const BUCKET_MS = 1_000

/**
 * Failure-rate breaker over a sliding window of one-second buckets: closed until more than
 * `failureRatio` of at least `minRequests` answers in the window failed, then open for `openMs`,
 * then half-open with exactly one probe whose outcome closes or re-opens it.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? Date.now
  const probeTimeoutMs = options.probeTimeoutMs ?? options.openMs
  const buckets = new Map<number, { total: number; failed: number }>()
  let state: BreakerState = 'closed'
  let openedAt = 0
  let probeStartedAt: number | undefined

  const setState = (next: BreakerState) => {
    if (next === state) return
    state = next
    options.onStateChange?.(next)
  }
  const windowTotals = (at: number) => {
    const oldest = Math.floor((at - options.windowMs) / BUCKET_MS)
    let total = 0
    let failed = 0
    for (const [second, bucket] of buckets) {
      if (second <= oldest) buckets.delete(second)
      else {
        total += bucket.total
        failed += bucket.failed
      }
    }
    return { total, failed }
  }
  const open = (at: number) => {
    openedAt = at
    probeStartedAt = undefined
    setState('open')
  }

  return {
    tryAcquire() {
      const at = now()
      if (state === 'closed') return { allowed: true, probe: false }
      if (state === 'open' && at - openedAt < options.openMs) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((openedAt + options.openMs - at) / 1000)) }
      }
      if (probeStartedAt !== undefined && at - probeStartedAt < probeTimeoutMs) return { allowed: false, retryAfterSeconds: 1 }
      probeStartedAt = at
      setState('half-open')
      return { allowed: true, probe: true }
    },
    record(success, probe) {
      const at = now()
      if (probe) {
        if (success) {
          buckets.clear()
          probeStartedAt = undefined
          setState('closed')
        } else open(at)
        return
      }
      if (state !== 'closed') return
      const second = Math.floor(at / BUCKET_MS)
      const bucket = buckets.get(second) ?? { total: 0, failed: 0 }
      bucket.total++
      if (!success) bucket.failed++
      buckets.set(second, bucket)
      const { total, failed } = windowTotals(at)
      if (total >= options.minRequests && failed / total > options.failureRatio) open(at)
    },
    state: () => state,
  }
}
