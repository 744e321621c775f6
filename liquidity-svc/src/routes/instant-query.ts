import { IsoInstantSchema } from '@lav/shared/contracts'
import { DAY_MS, parseInstant } from '@lav/shared/time'
import { z } from 'zod'
import { evaluationInstant, historyLength } from '../evaluation/instants'
import { KNOWLEDGE_MODES, type Knowledge } from '../evaluation/knowledge'

export interface InstantQueryLimits {
  now: () => number
  /** How far past the server's clock an instant may be (clock skew between machines). */
  toleranceMs: number
  maxInstants: number
}

/** A history without bounds: the 31 daily instants up to now. */
const DEFAULT_HISTORY_DAYS = 30

const KnowledgeSchema = z.enum(KNOWLEDGE_MODES).optional().describe('now (default): the data as known now, or at asOf; each: as known at each evaluation instant, no lookahead')

/** The knowledge a query asks for; for latest, `asOf` is the evaluation instant as well. */
export function knowledgeOf(query: { knowledge?: 'now' | 'each'; asOf?: string }, asOfIsKnowledge: boolean): Knowledge {
  if (query.knowledge === 'each') return { mode: 'each' }
  return asOfIsKnowledge && query.asOf ? { mode: 'now', asOf: parseInstant(query.asOf) as number } : { mode: 'now' }
}

export function historyRange(query: { since?: string; until?: string }, now: number): { since: number; until: number } {
  const until = query.until ? (parseInstant(query.until) as number) : now
  const since = query.since ? (parseInstant(query.since) as number) : evaluationInstant(until) - DEFAULT_HISTORY_DAYS * DAY_MS
  return { since, until }
}

/**
 * Querystring schemas whose 400s name the parameter: unparseable, in the future, since after
 * until, or a history longer than `maxInstants` daily instants.
 */
export function instantQuerySchemas(limits: InstantQueryLimits) {
  const inFuture = (text: string | undefined) => text !== undefined && (parseInstant(text) as number) > limits.now() + limits.toleranceMs
  const future = (name: string) => ({ code: 'custom' as const, path: [name], message: `${name} is in the future: the regime can only be evaluated up to now` })

  const latest = z.strictObject({ asOf: IsoInstantSchema.optional(), knowledge: KnowledgeSchema }).superRefine((query, ctx) => {
    if (inFuture(query.asOf)) ctx.addIssue(future('asOf'))
  })

  const history = z
    .strictObject({
      since: IsoInstantSchema.optional(),
      until: IsoInstantSchema.optional(),
      knowledge: KnowledgeSchema,
      asOf: IsoInstantSchema.optional().describe('with knowledge=now: evaluate the whole history on the data as known at this instant'),
    })
    .superRefine((query, ctx) => {
      if (inFuture(query.until)) return ctx.addIssue(future('until'))
      if (inFuture(query.asOf)) return ctx.addIssue(future('asOf'))
      if (query.asOf && query.knowledge === 'each') {
        return ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'asOf fixes one knowledge instant; knowledge=each uses each evaluation instant: give one or the other' })
      }
      const { since, until } = historyRange(query, limits.now())
      if (since > until) return ctx.addIssue({ code: 'custom', path: ['since'], message: 'since must not be after until' })
      const length = historyLength(since, until)
      if (length > limits.maxInstants) {
        ctx.addIssue({ code: 'custom', path: ['since'], message: `since..until holds ${length} daily instants, more than ${limits.maxInstants}` })
      }
    })

  return { latest, history, none: z.strictObject({}) }
}

export type InstantQuerySchemas = ReturnType<typeof instantQuerySchemas>
