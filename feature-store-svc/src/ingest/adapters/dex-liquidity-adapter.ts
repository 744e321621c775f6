import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { HOUR_MS } from '@lav/shared/time'
import type { RealSourceAdapter } from '../source-adapter'
import { formatError, SourceError } from './source-errors'
import type { HttpAdapterOptions } from './source-http'
import { arrayAt, evidenceOf, inWindow, parseAmount, recordAt, toPoint } from './source-values'

export const DEX_FEATURE = 'dex/agg/active_liquidity_usd'
const SOURCE = 'defillama:protocols'
const DEX_CATEGORY = 'Dexs'

/**
 * Total `tvl` of the protocols in category "Dexs" (so not "Derivatives" nor "DEX Aggregator").
 * `chainTvls` is never summed: it mixes in borrowed/staking/pool2 keys. A protocol without a
 * tvl is left out, not counted as 0.
 */
export function sumDexTvl(body: unknown): { usd: number; protocols: number } {
  let usd = 0
  let protocols = 0
  arrayAt(body, SOURCE, 'body').forEach((raw, index) => {
    const row = recordAt(raw, SOURCE, `[${index}]`)
    if (row.category !== DEX_CATEGORY) return
    const tvl = parseAmount(row.tvl, SOURCE, `[${index}].tvl (${String(row.name ?? row.slug ?? index)})`)
    if (tvl === null) return
    usd += tvl
    protocols++
  })
  if (protocols === 0) throw formatError(SOURCE, 'category', `has no "${DEX_CATEGORY}" protocol with a tvl`)
  return { usd, protocols }
}

/**
 * DefiLlama /protocols as a proxy of active DEX liquidity. A snapshot: ts is the fetch time
 * truncated to the hour, and a window without that hour loads nothing.
 */
export function createDexLiquidityAdapter(options: HttpAdapterOptions): RealSourceAdapter {
  const { http } = options
  const now = options.now ?? Date.now
  return {
    name: 'defillama-protocols',
    features: [DEX_FEATURE],
    async load(spec: FeatureSpec, since?: number, until?: number): Promise<PublishPoint[]> {
      if (spec.id !== DEX_FEATURE) throw new SourceError(`defillama-protocols: no series for feature ${spec.id}`, SOURCE, { field: 'featureId' })
      const ts = Math.floor(now() / HOUR_MS) * HOUR_MS
      if (!inWindow(ts, since, until)) return []
      const fetched = await http.get('protocols')
      const { usd, protocols } = sumDexTvl(fetched.body)
      return [toPoint(spec.id, { ts, value: usd, evidence: [evidenceOf(SOURCE, fetched)], meta: { protocols } })]
    },
  }
}
