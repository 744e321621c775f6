import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createNearCache } from './near-cache'

const BOUND = 250
const A = 'cex/agg/spot_depth_2pct_usd'
const B = 'macro/us/walcl_total_usd'
const entry = (ts: number) => ({ ts, prefix: `{"ts":${ts}` })

function nearAt(clock: { now: number }) {
  const registry = new Registry()
  const near = createNearCache({ maxAgeMs: BOUND, registry, clock: () => clock.now })
  return { near, registry }
}

describe('near-cache', () => {
  it('serves nothing and keeps nothing until the channel is subscribed', () => {
    const { near } = nearAt({ now: 0 })
    expect(near.ticket()).toBeUndefined()
    near.fill(A, near.ticket(), entry(1))
    near.resume()
    expect(near.get(A)).toBeUndefined()
  })

  it('serves an entry while it is younger than the bound, counted from the ticket, never after', () => {
    const clock = { now: 1_000 }
    const { near } = nearAt(clock)
    near.resume()
    const ticket = near.ticket()
    clock.now += 40 // the Redis round trip
    near.fill(A, ticket, entry(1))
    clock.now = 1_000 + BOUND - 1
    expect(near.get(A)?.ts).toBe(1)
    clock.now = 1_000 + BOUND
    expect(near.get(A)).toBeUndefined()
  })

  it('drops an entry on an invalidation of its feature, and only of its feature', () => {
    const { near } = nearAt({ now: 0 })
    near.resume()
    near.fill(A, near.ticket(), entry(1))
    near.fill(B, near.ticket(), entry(2))
    near.invalidate([A], 'channel')
    expect(near.get(A)).toBeUndefined()
    expect(near.get(B)?.ts).toBe(2)
  })

  it('refuses a read issued before an invalidation of its feature that arrived while it was in flight', () => {
    const { near } = nearAt({ now: 0 })
    near.resume()
    const early = near.ticket()
    const other = near.ticket()
    near.invalidate([A], 'local')
    near.fill(A, early, entry(1))
    near.fill(B, other, entry(2))
    expect(near.get(A)).toBeUndefined()
    expect(near.get(B)?.ts).toBe(2)
    near.fill(A, near.ticket(), entry(3))
    expect(near.get(A)?.ts).toBe(3)
  })

  it('keeps the later-issued of two reads that settle out of order', () => {
    const clock = { now: 0 }
    const { near } = nearAt(clock)
    near.resume()
    const first = near.ticket()
    clock.now = 10
    const second = near.ticket()
    near.fill(A, second, entry(2))
    near.fill(A, first, entry(1))
    expect(near.get(A)?.ts).toBe(2)
  })

  it('drops everything on a reset and refuses reads issued before it, even after resuming', () => {
    const { near } = nearAt({ now: 0 })
    near.resume()
    near.fill(A, near.ticket(), entry(1))
    const inFlight = near.ticket()
    near.reset()
    expect(near.get(A)).toBeUndefined()
    expect(near.ticket()).toBeUndefined()
    near.resume()
    near.fill(B, inFlight, entry(2))
    expect(near.get(B)).toBeUndefined()
  })

  it('counts hits, misses, invalidations by source and entries', async () => {
    const { near, registry } = nearAt({ now: 0 })
    near.resume()
    near.get(A)
    near.fill(A, near.ticket(), entry(1))
    near.fill(B, near.ticket(), entry(2))
    near.get(A)
    near.get(A)
    near.invalidate([B], 'channel')
    near.invalidate([A, B], 'local')
    near.fill(A, near.ticket(), entry(3))
    const text = await registry.metrics()
    expect(text).toMatch(/^feature_near_cache_hits_total 2$/m)
    expect(text).toMatch(/^feature_near_cache_misses_total 1$/m)
    expect(text).toMatch(/^feature_near_cache_invalidations_total\{source="channel"\} 1$/m)
    expect(text).toMatch(/^feature_near_cache_invalidations_total\{source="local"\} 2$/m)
    expect(text).toMatch(/^feature_near_cache_entries 1$/m)
  })
})
