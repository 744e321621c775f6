export interface Waiter<T> {
  resolve(value: T): void
  reject(error: unknown): void
}

/** The calls made during one event-loop turn, by key, each key with its callers in call order. */
export type TurnBatch<T> = Map<string, Waiter<T>[]>

export interface PerTurnBatcherOptions {
  /**
   * Batches sent and not yet settled, at most. A turn that ends with this many in flight keeps its
   * batch open, and later calls join it, until one settles: under load the batches grow to fill a
   * round trip (as a group commit does) instead of costing a write syscall per few calls.
   */
  maxInFlight?: number
}

/**
 * Collects the calls made during one event-loop turn and hands them to `send` together when the
 * turn ends (setImmediate runs after the poll phase has read every ready socket). Under load the
 * requests of many connections share one Redis round trip instead of a write syscall each.
 *
 * A batch is sent after every call in it was made, so a read that joins one still observes every
 * write acknowledged before that read began: batching never serves an older value.
 * `send` must settle every waiter; a throw rejects those it left.
 */
export function perTurnBatcher<T>(send: (batch: TurnBatch<T>) => Promise<void>, options: PerTurnBatcherOptions = {}): (key: string) => Promise<T> {
  const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY
  let open: TurnBatch<T> | undefined
  let turnEnded = false
  let inFlight = 0
  const settled = () => {
    inFlight--
    if (open && turnEnded) flush()
  }
  const flush = () => {
    turnEnded = true
    const batch = open
    if (!batch || inFlight >= maxInFlight) return
    open = undefined
    inFlight++
    send(batch)
      .catch((error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error)
      })
      .finally(settled)
  }
  return (key) =>
    new Promise<T>((resolve, reject) => {
      if (!open) {
        open = new Map()
        turnEnded = false
        setImmediate(flush)
      }
      const waiters = open.get(key)
      if (waiters) waiters.push({ resolve, reject })
      else open.set(key, [{ resolve, reject }])
    })
}
