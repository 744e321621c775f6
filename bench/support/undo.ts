export type Undo = (step: () => Promise<unknown>) => void

/**
 * Builds something from parts that each need undoing (a database, a Redis db, child processes):
 * `build` registers each undo step as soon as its part exists. The result's `stop` runs the steps
 * in reverse order, logging a failing step and going on; a failing build stops what was started.
 */
export async function buildUndoable<T extends object>(build: (undo: Undo) => Promise<T>): Promise<T & { stop(): Promise<void> }> {
  const steps: Array<() => Promise<unknown>> = []
  const stop = async () => {
    for (const step of steps.splice(0).reverse()) await step().catch((error) => console.error(`bench clean-up: ${(error as Error).message}`))
  }
  try {
    return { ...(await build((step) => steps.push(step))), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
