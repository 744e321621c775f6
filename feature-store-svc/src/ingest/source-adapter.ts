import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'

/**
 * Where feature values come from (a mock, FRED, an exchange API, …). An adapter only reads: it
 * returns points in the shape POST /publish takes, and the store decides what to accept.
 */
export interface SourceAdapter {
  readonly name: string
  /**
   * Points of `spec` with `since ≤ ts ≤ until` (epoch ms), ascending by ts. Each adapter
   * documents its defaults for a missing `since` or `until`.
   */
  load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]>
}

/** An adapter of a real source (FRED, Treasury, DefiLlama, …) and the catalog features it serves. */
export interface RealSourceAdapter extends SourceAdapter {
  readonly features: readonly string[]
}
