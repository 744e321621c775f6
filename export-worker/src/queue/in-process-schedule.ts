export interface InProcessTask {
  name: string
  everyMs: number
  run: () => Promise<unknown>
}

export interface InProcessSchedule {
  /** Stops the timers and waits for a running task to finish. */
  stop(): Promise<void>
}

/**
 * The degraded mode of the architecture (no Redis, so no BullMQ): the same job functions on
 * timers in this process, each run once at start, one at a time (like the worker's concurrency
 * 1), a tick skipped while the same task is still queued or running. A failed run is logged and
 * simply tried again at the next tick: the watermark makes that safe.
 */
export function startInProcessSchedule(tasks: InProcessTask[], log: { error(object: object, message: string): void }): InProcessSchedule {
  let chain: Promise<void> = Promise.resolve()
  const pending = new Set<string>()
  let stopped = false
  const enqueue = (task: InProcessTask) => {
    if (stopped || pending.has(task.name)) return
    pending.add(task.name)
    chain = chain.then(async () => {
      try {
        if (!stopped) await task.run()
      } catch (error) {
        log.error({ task: task.name, err: error }, 'in-process task failed; it runs again at the next tick')
      } finally {
        pending.delete(task.name)
      }
    })
  }
  const timers = tasks.map((task) => {
    enqueue(task)
    return setInterval(() => enqueue(task), task.everyMs)
  })
  return {
    async stop() {
      stopped = true
      for (const timer of timers) clearInterval(timer)
      await chain
    },
  }
}
