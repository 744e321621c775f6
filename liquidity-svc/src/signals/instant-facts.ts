import { readFeed, type FeedReading } from './availability'
import { componentValues } from './components'
import { rawComposite } from './composite'
import { flowSum, risingOver } from './regime-inputs'
import { EMPTY_SERIES } from './series'
import { zScoreAt } from './zscore'
import type { ComponentValues, EvaluationData, Feed, FeedRole, FeedSeries, MethodParams } from './types'

/** The feeds of one evaluation lined up with their series and freshness limits. */
export interface FeedTable {
  feeds: readonly Feed[]
  series: FeedSeries[]
  maxAgeMs: number[]
  flows: FeedSeries[]
  yoy: number
  rrp: number
  tga: number
}

/** Everything steps 1–4 and the inputs of step 7 give at one instant; none of it depends on other instants. */
export interface InstantFacts {
  t: number
  readings: FeedReading[]
  z: (number | null)[]
  components: ComponentValues
  s: number | null
  flow: number | null
  yoy: number | null
  upRrp: boolean | null
  upTga: boolean | null
  availableFeeds: number
}

export function prepareFeeds(feeds: readonly Feed[], data: EvaluationData, params: MethodParams): FeedTable {
  const roleIndex = (role: FeedRole) => {
    const index = feeds.findIndex((feed) => feed.role === role)
    if (index < 0) throw new Error(`the feeds list has no ${role} feed`)
    return index
  }
  const series = feeds.map((feed) => data.series.get(feed.featureId) ?? EMPTY_SERIES)
  return {
    feeds,
    series,
    maxAgeMs: feeds.map((feed) => {
      const ttl = data.ttlMs.get(feed.featureId)
      if (ttl === undefined) throw new Error(`no ttl_ms for ${feed.featureId}`)
      return ttl * params.freshnessMaxRatio
    }),
    flows: series.filter((_, index) => feeds[index]?.role === 'etf_flow'),
    yoy: roleIndex('stables_yoy'),
    rrp: roleIndex('rrp'),
    tga: roleIndex('tga'),
  }
}

export function factsAt(table: FeedTable, params: MethodParams, t: number): InstantFacts {
  const readings = table.series.map((series, index) => readFeed(series, t, table.maxAgeMs[index] as number))
  const z = table.series.map((series, index) => zScoreAt(series, readings[index] as FeedReading, t, params.zWindowMs, params.zMinPoints))
  const components = componentValues(table.feeds, z)
  const yoy = readings[table.yoy] as FeedReading
  return {
    t,
    readings,
    z,
    components,
    s: rawComposite(components, params.componentWeights, params.minComponents),
    flow: flowSum(table.flows, t, params.flowWindowMs),
    yoy: yoy.availability === 'available' ? yoy.value : null,
    upRrp: risingOver(table.series[table.rrp] as FeedSeries, t, params.flowWindowMs),
    upTga: risingOver(table.series[table.tga] as FeedSeries, t, params.flowWindowMs),
    availableFeeds: readings.filter((reading) => reading.availability === 'available').length,
  }
}
