import { clamp, Z_LIMIT } from './zscore'
import { COMPONENTS, type ComponentId, type ComponentValues } from './types'

/**
 * s(t) (method step 4): Σ W_c·c / Σ W_c over the available components; null when fewer than
 * `minComponents` are available. Clamped like the components: only rounding can pass ±3.
 */
export function rawComposite(components: ComponentValues, weights: Record<ComponentId, number>, minComponents: number): number | null {
  let weighted = 0
  let norm = 0
  let count = 0
  for (const component of COMPONENTS) {
    const value = components[component]
    if (value === null) continue
    weighted += weights[component] * value
    norm += weights[component]
    count++
  }
  return count >= minComponents && count > 0 ? clamp(weighted / norm, -Z_LIMIT, Z_LIMIT) : null
}

/**
 * e(t) (method step 5) over instants in time order: instants without s are skipped, so they keep
 * the last e; e is null until the first available s. A mix of values within ±3 stays within
 * ±3 but for rounding, which the clamp removes.
 */
export function smooth(raw: readonly (number | null)[], alpha: number): (number | null)[] {
  let e: number | null = null
  return raw.map((s) => {
    if (s !== null) e = e === null ? s : clamp(alpha * s + (1 - alpha) * e, -Z_LIMIT, Z_LIMIT)
    return e
  })
}

/** score(t) (method step 6): the z scale mapped onto 0..100, no rounding. */
export function scoreOf(e: number): number {
  return clamp(50 + (50 * e) / Z_LIMIT, 0, 100)
}
