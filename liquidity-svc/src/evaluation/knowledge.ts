/**
 * Which data an evaluation reads, in knowledge time (the store's asOf):
 * - `now`: every instant is evaluated on the data as known at one instant, `asOf` (default now):
 *   revisions made after an instant do change its evaluation (hindsight);
 * - `each`: every instant is evaluated on the data as known at that instant itself: what the
 *   Semáforo would have said then, with no lookahead.
 */
export type Knowledge = { mode: 'now'; asOf?: number } | { mode: 'each' }

export const KNOWLEDGE_MODES = ['now', 'each'] as const

/** The store's asOf for an evaluation at `instant`; undefined: the store's current read. */
export function knowledgeInstant(knowledge: Knowledge, instant: number): number | undefined {
  return knowledge.mode === 'each' ? instant : knowledge.asOf
}

/** A cache key part: evaluations under different knowledge never share an answer. */
export function knowledgeKey(knowledge: Knowledge): string {
  return knowledge.mode === 'each' ? 'each' : `now@${knowledge.asOf ?? 'current'}`
}
