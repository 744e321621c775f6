import { COMPONENTS, type ComponentValues, type Feed } from './types'
import { clamp, Z_LIMIT } from './zscore'

export interface WeightedZ {
  weight: number
  z: number | null
}

/**
 * c(t) (method step 3): Σ w·z / Σ |w| over the feeds whose z is available; null when none is.
 * A weighted mean of values within ±3 is within ±3; the clamp only removes a rounding overshoot
 * of one ulp (3·0.4 + 3·0.6 is 3.0000000000000004), so the contract's range holds exactly.
 */
export function componentValue(terms: readonly WeightedZ[]): number | null {
  let weighted = 0
  let norm = 0
  for (const { weight, z } of terms) {
    if (z === null) continue
    weighted += weight * z
    norm += Math.abs(weight)
  }
  return norm > 0 ? clamp(weighted / norm, -Z_LIMIT, Z_LIMIT) : null
}

/** The three components from the z of each feed (`z[i]` belongs to `feeds[i]`). */
export function componentValues(feeds: readonly Feed[], z: readonly (number | null)[]): ComponentValues {
  const values = {} as ComponentValues
  for (const component of COMPONENTS) {
    const terms: WeightedZ[] = []
    feeds.forEach((feed, index) => {
      if (feed.component === component) terms.push({ weight: feed.weight, z: z[index] ?? null })
    })
    values[component] = componentValue(terms)
  }
  return values
}
