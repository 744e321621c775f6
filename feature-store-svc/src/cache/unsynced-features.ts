import type { FastifyBaseLogger } from 'fastify'
import type { ValueRow } from '../storage/values-repository'

export interface UnsyncedFeatures {
  has(featureId: string): boolean
  readonly size: number
  add(featureIds: string[]): void
  close(): void
}

export interface UnsyncedFeaturesOptions {
  /** The newest rows of these features, from PostgreSQL. */
  reload(featureIds: string[]): Promise<ValueRow[]>
  /** Writes rows through to Redis; false when Redis did not take them. */
  writeThrough(rows: ValueRow[]): Promise<boolean>
  intervalMs: number
  log: FastifyBaseLogger
}

/**
 * Features whose newest point could not be written through to Redis. Until it is, Redis may hold
 * an older point for them — a restarted Redis restores its last snapshot, a replica cut off from
 * Redis leaves the old value there — so this replica reads them from PostgreSQL, and a timer
 * writes their newest rows through again until Redis takes them. Each feature carries a
 * generation: one marked again while a retry was under way stays marked.
 */
export function createUnsyncedFeatures(options: UnsyncedFeaturesOptions): UnsyncedFeatures {
  const generations = new Map<string, number>()
  let next = 0
  let timer: NodeJS.Timeout | undefined
  let retrying = false

  const retry = async () => {
    if (retrying) return
    if (generations.size === 0) {
      clearInterval(timer)
      timer = undefined
      return
    }
    retrying = true
    const seen = new Map(generations)
    try {
      if (await options.writeThrough(await options.reload([...seen.keys()]))) {
        for (const [featureId, generation] of seen) if (generations.get(featureId) === generation) generations.delete(featureId)
        options.log.info({ features: seen.size }, 'latest cache written through again after a Redis failure')
      }
    } catch (error) {
      options.log.warn({ err: error }, 'latest cache repair failed; retrying')
    } finally {
      retrying = false
    }
  }

  return {
    has: (featureId) => generations.has(featureId),
    get size() {
      return generations.size
    },
    add(featureIds) {
      for (const featureId of featureIds) generations.set(featureId, ++next)
      if (!timer) {
        timer = setInterval(() => void retry(), options.intervalMs)
        timer.unref()
      }
    },
    close() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
