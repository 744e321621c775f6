import { RegimeOutputSchema, type RegimeOutput } from '@lav/shared/contracts'
import type { FeatureSource } from '../feeds/feature-source'
import { dataWindow, evaluateInstants } from '../signals/evaluate'
import type { Feed, MethodParams } from '../signals/types'
import { createEvaluationCache } from './evaluation-cache'
import { evaluationInstant, historyInstants } from './instants'
import { knowledgeInstant, knowledgeKey, type Knowledge } from './knowledge'

/** An output and its JSON, checked against the contract once, so a cache hit costs no serialisation. */
export interface Evaluated {
  output: RegimeOutput
  json: string
}

const NOW: Knowledge = { mode: 'now' }
/** Evaluations with knowledge=each read one as-of snapshot per instant: this many at once. */
const EACH_CONCURRENCY = 4

export interface RegimeService {
  /**
   * The output at asOf (default now), rounded down to the minute; cached per minute and
   * knowledge. `knowledge`: the data as known now (default) or as known at that instant.
   */
  latest(asOf?: number, correlationId?: string, knowledge?: Knowledge): Promise<Evaluated>
  /**
   * One output per daily instant (see historyInstants), ascending: from one fetch with
   * knowledge=now, from one as-of fetch per instant with knowledge=each.
   */
  history(since: number, until: number, correlationId?: string, knowledge?: Knowledge): Promise<RegimeOutput[]>
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

  /** Instants that read the same data, evaluated from one fetch. */
  const evaluateTogether = async (instants: number[], correlationId: string | undefined, asOf: number | undefined) => {
    const data = await deps.source.load(dataWindow(instants[0] as number, instants[instants.length - 1] as number, deps.params), correlationId, asOf)
    return evaluateInstants(deps.feeds, deps.params, data, instants)
  }

  const evaluate = async (kind: 'latest' | 'history', instants: number[], correlationId: string | undefined, knowledge: Knowledge) => {
    const started = performance.now()
    const outputs =
      knowledge.mode === 'each'
        ? (await mapLimited(instants, EACH_CONCURRENCY, (instant) => evaluateTogether([instant], correlationId, instant))).flat()
        : await evaluateTogether(instants, correlationId, knowledgeInstant(knowledge, instants[0] as number))
    deps.onEvaluated?.(kind, (performance.now() - started) / 1000)
    return outputs
  }

  return {
    latest(asOf, correlationId, knowledge = NOW) {
      const t0 = evaluationInstant(asOf ?? now())
      return cache(`${t0}|${knowledgeKey(knowledge)}`, async () => {
        const [output] = await evaluate('latest', [t0], correlationId, knowledge)
        return { output: output as RegimeOutput, json: JSON.stringify(RegimeOutputSchema.parse(output)) }
      })
    },
    async history(since, until, correlationId, knowledge = NOW) {
      const instants = historyInstants(since, until)
      return instants.length === 0 ? [] : evaluate('history', instants, correlationId, knowledge)
    },
  }
}

/** `map` over `items` with at most `limit` calls pending, results in input order. */
async function mapLimited<T, U>(items: T[], limit: number, map: (item: T) => Promise<U>): Promise<U[]> {
  const results: U[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await map(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
