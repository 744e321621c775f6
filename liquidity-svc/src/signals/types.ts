export const COMPONENTS = ['gl', 'cn', 'mp'] as const
export type ComponentId = (typeof COMPONENTS)[number]
export type ComponentValues = Record<ComponentId, number | null>

/** What a feed is to the regime rules beyond its weight (liquidity-method.md, step 7). */
export const FEED_ROLES = ['tga', 'rrp', 'etf_flow', 'stables_yoy'] as const
export type FeedRole = (typeof FEED_ROLES)[number]

export interface Feed {
  featureId: string
  component: ComponentId
  weight: number
  role?: FeedRole
}

/** One feed's points, ascending by ts (epoch ms); typed arrays keep the hot loops tight. */
export interface FeedSeries {
  ts: Float64Array
  values: Float64Array
}

/** Everything one evaluation reads: the points of each feed and each feed's catalog ttl. */
export interface EvaluationData {
  series: ReadonlyMap<string, FeedSeries>
  ttlMs: ReadonlyMap<string, number>
}

/** The method's parameters (LIQ_* and FEATURE_DQ_FRESHNESS_MAX_RATIO), in milliseconds where they are spans. */
export interface MethodParams {
  componentWeights: Record<ComponentId, number>
  alpha: number
  thetaHi: number
  thetaLo: number
  confirmationMs: number
  zWindowMs: number
  zMinPoints: number
  warmupInstants: number
  flowWindowMs: number
  minComponents: number
  freshnessMaxRatio: number
}
