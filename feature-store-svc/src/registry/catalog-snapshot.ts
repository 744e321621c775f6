import type { FeatureSpec } from '@lav/shared/contracts'
import type { CatalogRepository } from './catalog-repository'

export interface CatalogSnapshot {
  /** The spec of `id`, reloading once from the database when it is not known here yet. */
  find(id: string): Promise<FeatureSpec | undefined>
  findMany(ids: string[]): Promise<Map<string, FeatureSpec>>
  active(): Promise<FeatureSpec[]>
  invalidate(): void
}

/**
 * The catalog read on every publish and latest, kept in memory: a database round trip per
 * request would halve read throughput. Another replica's change is seen after `maxAgeMs`, or at
 * once when an unknown id forces a reload.
 */
export function createCatalogSnapshot(repository: Pick<CatalogRepository, 'list'>, maxAgeMs = 5_000): CatalogSnapshot {
  let specs = new Map<string, FeatureSpec>()
  let loadedAt = -Infinity
  let loading: Promise<void> | undefined

  const reload = () => {
    loading ??= repository
      .list()
      .then((list) => {
        specs = new Map(list.map((spec) => [spec.id, spec]))
        loadedAt = Date.now()
      })
      .finally(() => {
        loading = undefined
      })
    return loading
  }
  const fresh = async () => {
    if (Date.now() - loadedAt > maxAgeMs) await reload()
  }

  return {
    async find(id) {
      await fresh()
      if (!specs.has(id) && Date.now() - loadedAt > 250) await reload()
      return specs.get(id)
    },
    async findMany(ids) {
      await fresh()
      if (ids.some((id) => !specs.has(id)) && Date.now() - loadedAt > 250) await reload()
      return new Map(ids.flatMap((id) => (specs.has(id) ? [[id, specs.get(id) as FeatureSpec]] : [])))
    },
    async active() {
      await fresh()
      return [...specs.values()].filter((spec) => spec.active)
    },
    invalidate() {
      loadedAt = -Infinity
    },
  }
}
