import { Counter, Gauge, type Registry } from 'prom-client'

export interface NearEntry {
  ts: number
  prefix: string
}

/** Taken before a Redis read starts; the read's answer may fill the near-cache only with it. */
export interface FillTicket {
  seq: number
  readAt: number
}

export type InvalidationSource = 'local' | 'channel'

export interface NearCache {
  /** The entry while it is younger than the bound and no invalidation for it was received. */
  get(featureId: string): NearEntry | undefined
  /** Whether `get` would answer now, without counting a lookup. */
  has(featureId: string): boolean
  /** Undefined while the invalidation channel is not subscribed: nothing read now may be kept. */
  ticket(): FillTicket | undefined
  /** Keeps what a read answered, unless an invalidation or a reset came after its ticket. */
  fill(featureId: string, ticket: FillTicket | undefined, entry: NearEntry): void
  invalidate(featureIds: Iterable<string>, source: InvalidationSource): void
  /** The channel is down: drop everything and serve nothing until `resume`. */
  reset(): void
  /** The channel is subscribed again: invalidations reach us from now on. */
  resume(): void
}

export interface NearCacheOptions {
  /** Hard upper bound on an entry's age, from the moment its Redis read was issued. */
  maxAgeMs: number
  registry: Registry
  /** Monotonic milliseconds. */
  clock?: () => number
}

/**
 * The latest points of this replica, kept for at most `maxAgeMs`. An entry's age counts from
 * before its Redis read was sent: that read saw every publish acknowledged before it, so a hit
 * lags an acknowledged publish by less than the bound even if its invalidation never arrives.
 * Invalidations and resets advance one sequence; a read whose ticket predates the last
 * invalidation of its feature (or the last reset) is not kept, so an answer that a publish has
 * already superseded never enters the cache after that publish's invalidation went by.
 */
export function createNearCache(options: NearCacheOptions): NearCache {
  const { maxAgeMs, registry } = options
  const clock = options.clock ?? (() => performance.now())
  const entries = new Map<string, NearEntry & { readAt: number }>()
  const invalidatedAt = new Map<string, number>()
  let seq = 0
  let resetAt = 0
  let live = false

  const hits = new Counter({ name: 'feature_near_cache_hits_total', help: 'GET /latest reads answered from the in-process near-cache', registers: [registry] })
  const misses = new Counter({
    name: 'feature_near_cache_misses_total',
    help: 'Default-consistency GET /latest reads the near-cache could not answer (absent, too old, invalidated, or channel down)',
    registers: [registry],
  })
  const invalidations = new Counter({
    name: 'feature_near_cache_invalidations_total',
    help: 'Near-cache invalidations of a feature: by a write of this replica (local) or received on the channel',
    labelNames: ['source'] as const,
    registers: [registry],
  })
  const bySource = { local: invalidations.labels({ source: 'local' }), channel: invalidations.labels({ source: 'channel' }) }
  new Gauge({
    name: 'feature_near_cache_entries',
    help: 'Latest points held in the in-process near-cache',
    registers: [registry],
    collect() {
      this.set(entries.size)
    },
  })

  const fresh = (entry: { readAt: number } | undefined) => entry !== undefined && clock() - entry.readAt < maxAgeMs
  return {
    has: (featureId) => fresh(entries.get(featureId)),
    get(featureId) {
      const entry = entries.get(featureId)
      if (entry && fresh(entry)) {
        hits.inc()
        return entry
      }
      if (entry) entries.delete(featureId)
      misses.inc()
      return undefined
    },
    ticket: () => (live ? { seq, readAt: clock() } : undefined),
    fill(featureId, ticket, entry) {
      if (!live || !ticket || ticket.seq < resetAt || (invalidatedAt.get(featureId) ?? 0) > ticket.seq) return
      const current = entries.get(featureId)
      // Two reads of one feature may settle out of order: the later-issued one is the fresher.
      if (current && current.readAt > ticket.readAt) return
      entries.set(featureId, { ts: entry.ts, prefix: entry.prefix, readAt: ticket.readAt })
    },
    invalidate(featureIds, source) {
      seq++
      for (const featureId of featureIds) {
        invalidatedAt.set(featureId, seq)
        entries.delete(featureId)
        bySource[source].inc()
      }
    },
    reset() {
      live = false
      resetAt = ++seq
      entries.clear()
      // Every ticket older than resetAt is refused anyway: the per-feature marks are no longer needed.
      invalidatedAt.clear()
    },
    resume() {
      resetAt = ++seq
      invalidatedAt.clear()
      live = true
    },
  }
}

/** For a store without Redis or with the near-cache turned off: never serves, keeps nothing. */
export const DISABLED_NEAR_CACHE: NearCache = {
  get: () => undefined,
  has: () => false,
  ticket: () => undefined,
  fill: () => {},
  invalidate: () => {},
  reset: () => {},
  resume: () => {},
}
