import type { FastifyBaseLogger } from 'fastify'
import { describe, expect, it, vi } from 'vitest'
import type { ValueRow } from '../storage/values-repository'
import { createUnsyncedFeatures } from './unsynced-features'

const quiet = { info() {}, warn() {} } as unknown as FastifyBaseLogger
const rowsOf = (ids: string[]) => ids.map((featureId) => ({ featureId }) as ValueRow)

describe('unsynced features', () => {
  it('retries the write-through until Redis takes it, then forgets the feature', async () => {
    let redisUp = false
    const writes: string[][] = []
    const unsynced = createUnsyncedFeatures({
      reload: async (ids) => rowsOf(ids),
      writeThrough: async (rows) => {
        writes.push(rows.map((row) => row.featureId))
        return redisUp
      },
      intervalMs: 5,
      log: quiet,
    })
    unsynced.add(['a', 'b'])
    await vi.waitFor(() => expect(writes.length).toBeGreaterThanOrEqual(2))
    expect(unsynced.has('a') && unsynced.has('b')).toBe(true)
    redisUp = true
    await vi.waitFor(() => expect(unsynced.has('a') || unsynced.has('b')).toBe(false))
    expect(writes.at(-1)).toEqual(['a', 'b'])
    unsynced.close()
  })

  it('keeps a feature marked again while its retry was under way', async () => {
    let release: (() => void) | undefined
    let writes = 0
    const unsynced = createUnsyncedFeatures({
      reload: async (ids) => {
        if (writes === 0) await new Promise<void>((resolve) => (release = resolve))
        return rowsOf(ids)
      },
      writeThrough: async () => {
        writes++
        return true
      },
      intervalMs: 5,
      log: quiet,
    })
    unsynced.add(['a'])
    await vi.waitFor(() => expect(release).toBeDefined())
    // A newer publish failed to write through while the retry held an older reload.
    unsynced.add(['a'])
    release?.()
    // The first retry succeeded with the older rows; only a second one, for the newer mark, clears it.
    await vi.waitFor(() => expect(unsynced.has('a')).toBe(false))
    expect(writes).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(writes).toBe(2)
    unsynced.close()
  })
})
