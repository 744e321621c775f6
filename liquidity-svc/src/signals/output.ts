import type { RegimeOutput, RegimeState } from '@lav/shared/contracts'
import { toIso } from '@lav/shared/time'
import { coherenceOf, completenessOf, confidenceOf } from './coherence'
import { scoreOf } from './composite'
import type { FeedTable, InstantFacts } from './instant-facts'

export interface RegimeAtT0 {
  facts: InstantFacts
  e: number | null
  candidate: RegimeState | null
  state: RegimeState | null
}

/** The RegimeOutput of t_0 (method steps 9 and 10), with the `e` unavailable fallback. */
export function buildOutput(table: FeedTable, { facts, e, candidate, state }: RegimeAtT0): RegimeOutput {
  const signals = table.feeds.map((feed, index) => {
    const reading = facts.readings[index]
    return {
      featureId: feed.featureId,
      component: feed.component,
      weight: feed.weight,
      value: reading?.value ?? null,
      ts: reading?.ts === null || reading?.ts === undefined ? null : toIso(reading.ts),
      z: facts.z[index] ?? null,
      available: reading?.availability === 'available',
    }
  })
  const unavailable = (kind: 'stale' | 'missing') => table.feeds.filter((_, index) => facts.readings[index]?.availability === kind).map((feed) => feed.featureId)
  const dq = { stale: unavailable('stale'), missing: unavailable('missing') }
  const common = { components: facts.components, updated_at: toIso(facts.t), signals }
  // Never a score built on nothing presented as healthy: no e means a neutral, zero-confidence answer.
  if (e === null || candidate === null) {
    return { ...common, state: 'amarillo', candidate: 'amarillo', confidence: 0, score: 50, score_raw: null, coherence: 0, dq: { ok: false, ...dq } }
  }
  const coherence = coherenceOf(facts.components, e)
  const allAvailable = dq.stale.length === 0 && dq.missing.length === 0
  return {
    ...common,
    state: state ?? candidate,
    candidate,
    confidence: confidenceOf(coherence, completenessOf(facts.availableFeeds, table.feeds.length)),
    score: scoreOf(e),
    score_raw: e,
    coherence,
    dq: { ok: facts.s !== null && allAvailable, ...dq },
  }
}
