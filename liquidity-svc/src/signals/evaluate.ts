import type { RegimeOutput, RegimeState } from '@lav/shared/contracts'
import { DAY_MS } from '@lav/shared/time'
import { smooth } from './composite'
import { factsAt, prepareFeeds, type FeedTable, type InstantFacts } from './instant-facts'
import { buildOutput } from './output'
import { candidateState, confirmStates } from './regime'
import type { EvaluationData, Feed, MethodParams } from './types'

/**
 * One RegimeOutput per instant in `instants`, each with its own warm-up (t − k·24h for
 * k = warm-up … 0), all from one set of series. Per-instant facts (steps 1–4 and the inputs
 * of step 7) are computed once per distinct instant, so a daily history whose warm-ups overlap
 * costs one pass over the grid plus a 31-step walk per output.
 */
export function evaluateInstants(feeds: readonly Feed[], params: MethodParams, data: EvaluationData, instants: readonly number[]): RegimeOutput[] {
  const table = prepareFeeds(feeds, data, params)
  const memo = new Map<number, InstantFacts>()
  const factsOf = (t: number): InstantFacts => {
    let facts = memo.get(t)
    if (!facts) memo.set(t, (facts = factsAt(table, params, t)))
    return facts
  }
  return instants.map((t0) => evaluateOne(table, params, t0, factsOf))
}

function evaluateOne(table: FeedTable, params: MethodParams, t0: number, factsOf: (t: number) => InstantFacts): RegimeOutput {
  const times = warmupInstants(t0, params)
  const steps = times.map(factsOf)
  const e = smooth(steps.map((facts) => facts.s), params.alpha)
  const thresholds = { hi: params.thetaHi, lo: params.thetaLo }
  const candidates = steps.map((facts, index): RegimeState | null => {
    const smoothed = e[index] ?? null
    return smoothed === null ? null : candidateState({ e: smoothed, flow: facts.flow, yoy: facts.yoy, upRrp: facts.upRrp, upTga: facts.upTga }, thresholds)
  })
  const states = confirmStates(times, candidates, params.confirmationMs)
  const last = times.length - 1
  return buildOutput(table, { facts: steps[last] as InstantFacts, e: e[last] ?? null, candidate: candidates[last] ?? null, state: states[last] ?? null })
}

/** t_k = t0 − k·24h for k = warm-up … 0, in time order. */
export function warmupInstants(t0: number, params: Pick<MethodParams, 'warmupInstants'>): number[] {
  return Array.from({ length: params.warmupInstants + 1 }, (_, index) => t0 - (params.warmupInstants - index) * DAY_MS)
}

/**
 * The points evaluations from `first` to `last` can touch: the warm-up, the z-score window before
 * it, and one flow window more for the as-of values 7 days back (up_RRP, up_TGA).
 */
export function dataWindow(first: number, last: number, params: Pick<MethodParams, 'warmupInstants' | 'zWindowMs' | 'flowWindowMs'>) {
  return { since: first - params.warmupInstants * DAY_MS - Math.max(params.zWindowMs, params.flowWindowMs) - params.flowWindowMs, until: last }
}
