import { RegimeOutputSchema, type RegimeOutput } from '@lav/shared/contracts'
import type { FeatureSource } from '../feeds/feature-source'
import { dataWindow, evaluateInstants } from '../signals/evaluate'
import type { Feed, MethodParams } from '../signals/types'
import { createEvaluationCache } from './evaluation-cache'
import { evaluationInstant, historyInstants } from './instants'

/** An output and its JSON, checked against the contract once, so a cache hit costs no serialisation. */
export interface Evaluated {
  output: RegimeOutput
  json: string
}

export interface RegimeService {
  /** The output at asOf (default now), rounded down to the minute; cached per minute. */
  latest(asOf?: number, correlationId?: string): Promise<Evaluated>
  /** One output per daily instant (see historyInstants), from one fetch, ascending. */
  history(since: number, until: number, correlationId?: string): Promise<RegimeOutput[]>
}

export interface RegimeServiceDeps {
  source: Pick<FeatureSource, 'load'>
  feeds: readonly Feed[]
  params: MethodParams
  cacheTtlMs: number
  now?: () => number
  /** Seconds one evaluation took, fetch included: the duration histogram. */
  onEvaluated?: (kind: 'latest' | 'history', seconds: number) => void
}

export function createRegimeService(deps: RegimeServiceDeps): RegimeService {
  const now = deps.now ?? Date.now
  const cache = createEvaluationCache<Evaluated>({ ttlMs: deps.cacheTtlMs, now })

  const evaluate = async (kind: 'latest' | 'history', instants: number[], correlationId?: string) => {
    const started = performance.now()
    const data = await deps.source.load(dataWindow(instants[0] as number, instants[instants.length - 1] as number, deps.params), correlationId)
    const outputs = evaluateInstants(deps.feeds, deps.params, data, instants)
    deps.onEvaluated?.(kind, (performance.now() - started) / 1000)
    return outputs
  }

  return {
    latest(asOf, correlationId) {
      const t0 = evaluationInstant(asOf ?? now())
      return cache(t0, async () => {
        const [output] = await evaluate('latest', [t0], correlationId)
        return { output: output as RegimeOutput, json: JSON.stringify(RegimeOutputSchema.parse(output)) }
      })
    },
    async history(since, until, correlationId) {
      const instants = historyInstants(since, until)
      return instants.length === 0 ? [] : evaluate('history', instants, correlationId)
    },
  }
}
