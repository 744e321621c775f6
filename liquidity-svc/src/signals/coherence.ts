import { COMPONENTS, type ComponentValues } from './types'

/**
 * coherence(t) (method step 9): the share of available components on the side of e (c·e ≥ 0);
 * 0 when e or every component is unavailable. With e = 0 every product is 0, so it is 1.
 */
export function coherenceOf(components: ComponentValues, e: number | null): number {
  if (e === null) return 0
  let available = 0
  let agreeing = 0
  for (const component of COMPONENTS) {
    const value = components[component]
    if (value === null) continue
    available++
    if (value * e >= 0) agreeing++
  }
  return available > 0 ? agreeing / available : 0
}

/** completeness(t) = available feeds / all feeds (9). */
export function completenessOf(availableFeeds: number, totalFeeds: number): number {
  return totalFeeds > 0 ? availableFeeds / totalFeeds : 0
}

export function confidenceOf(coherence: number, completeness: number): number {
  return coherence * completeness
}
