export interface EvaluationCacheOptions {
  ttlMs: number
  maxEntries?: number
  now?: () => number
}

/**
 * Promises by key for `ttlMs`. The promise is stored before it settles, so concurrent identical
 * requests share one evaluation; a failed one is dropped at once so the next request retries.
 */
export function createEvaluationCache<T>(options: EvaluationCacheOptions) {
  const now = options.now ?? Date.now
  const maxEntries = options.maxEntries ?? 256
  const entries = new Map<number | string, { expires: number; value: Promise<T> }>()

  const prune = (at: number) => {
    // Insertion order is expiry order (one ttl for all), so the oldest entries go first.
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && entry.expires > at) break
      entries.delete(key)
    }
  }

  return (key: number | string, compute: () => Promise<T>): Promise<T> => {
    const at = now()
    const hit = entries.get(key)
    if (hit && hit.expires > at) return hit.value
    const value = compute()
    entries.delete(key)
    entries.set(key, { expires: at + options.ttlMs, value })
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key)
    })
    prune(at)
    return value
  }
}
