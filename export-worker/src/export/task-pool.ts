export interface TaskPool {
  /** Starts `task` once fewer than `limit` run; rethrows the first failure of any task. */
  add(task: () => Promise<void>): Promise<void>
  /** Waits for every task; rethrows the first failure. */
  drain(): Promise<void>
  /**
   * Runs `producer` (which adds the tasks), then drains. When anything fails, the tasks still in
   * flight settle before the failure is rethrown, so none lands after the caller has moved on.
   */
  feed(producer: () => Promise<void>): Promise<void>
}

/**
 * Bounded concurrency with backpressure: the caller (the cursor loop) waits while `limit` tasks
 * run, so encoded files never pile up in memory faster than S3 takes them.
 */
export function createTaskPool(limit: number): TaskPool {
  const running = new Set<Promise<void>>()
  let failure: { error: unknown } | undefined
  const check = () => {
    if (failure) throw failure.error
  }
  const drain = async () => {
    await Promise.all(running)
    check()
  }
  return {
    async add(task) {
      check()
      while (running.size >= limit) {
        await Promise.race(running)
        check()
      }
      const settled: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= { error }
        })
        .finally(() => running.delete(settled))
      running.add(settled)
    },
    drain,
    async feed(producer) {
      try {
        await producer()
      } catch (error) {
        await Promise.all(running)
        throw error
      }
      await drain()
    },
  }
}
