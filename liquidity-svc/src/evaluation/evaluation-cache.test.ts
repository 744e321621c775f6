import { describe, expect, it } from 'vitest'
import { createEvaluationCache } from './evaluation-cache'
import { evaluationInstant, historyInstants, historyLength } from './instants'

const MIN = 60_000
const DAY = 86_400_000

describe('evaluation cache', () => {
  it('shares one evaluation between concurrent callers and reuses it until the ttl ends', async () => {
    let now = 0
    let runs = 0
    const cache = createEvaluationCache<number>({ ttlMs: 30_000, now: () => now })
    const compute = async () => ++runs
    expect(await Promise.all([cache(1, compute), cache(1, compute), cache(1, compute)])).toEqual([1, 1, 1])
    now = 29_999
    expect(await cache(1, compute)).toBe(1)
    expect(await cache(2, compute)).toBe(2)
    now = 30_000
    expect(await cache(1, compute)).toBe(3)
  })

  it('forgets a failed evaluation so the next request tries again', async () => {
    const cache = createEvaluationCache<string>({ ttlMs: 30_000 })
    await expect(cache(1, () => Promise.reject(new Error('store down')))).rejects.toThrow('store down')
    expect(await cache(1, async () => 'ok')).toBe('ok')
  })

  it('holds at most maxEntries evaluations', async () => {
    let runs = 0
    const cache = createEvaluationCache<number>({ ttlMs: 30_000, maxEntries: 2 })
    for (const key of [1, 2, 3]) await cache(key, async () => ++runs)
    expect(await cache(1, async () => ++runs)).toBe(4)
    expect(await cache(3, async () => ++runs)).toBe(3)
  })
})

describe('evaluation instants', () => {
  it('rounds down to the whole minute', () => {
    expect(evaluationInstant(Date.UTC(2025, 9, 20, 12, 34, 56, 789))).toBe(Date.UTC(2025, 9, 20, 12, 34))
  })

  it('steps back from until by 24 h while ≥ since, both at minute resolution', () => {
    const until = Date.UTC(2025, 9, 20, 12, 34, 56)
    expect(historyInstants(until - 2 * DAY, until)).toEqual([2, 1, 0].map((k) => Date.UTC(2025, 9, 20, 12, 34) - k * DAY))
    expect(historyInstants(until, until)).toEqual([Date.UTC(2025, 9, 20, 12, 34)])
    expect(historyInstants(until - 2 * DAY + MIN, until)).toHaveLength(2)
    expect(historyInstants(until + MIN, until)).toEqual([])
    expect(historyLength(until - 365 * DAY, until)).toBe(366)
  })
})
