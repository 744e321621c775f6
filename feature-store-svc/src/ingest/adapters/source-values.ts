import type { Evidence, PublishPoint } from '@lav/shared/contracts'
import { DAY_MS, toIso } from '@lav/shared/time'
import { formatError } from './source-errors'
import type { Fetched } from './source-http'

// Sources write "no value" in many ways; none of them is zero.
const MISSING = new Set(['', '.', 'null', 'nan', 'n/a', '-'])

/**
 * A numeric field as a number, null when the source says "missing" (".", "null", "", absent),
 * and an error naming source and field for anything else that is not a number. Accepts
 * thousands separators and accounting negatives: "(123.4)" is −123.4.
 */
export function parseAmount(raw: unknown, source: string, field: string): number | null {
  if (raw === undefined || raw === null) return null
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw formatError(source, field, `is not a finite number: ${raw}`)
    return raw
  }
  if (typeof raw !== 'string') throw formatError(source, field, `is neither a number nor a string: ${JSON.stringify(raw)}`)
  const text = raw.trim()
  if (MISSING.has(text.toLowerCase())) return null
  const negative = /^\(.*\)$/.test(text)
  const digits = (negative ? text.slice(1, -1) : text).replace(/,/g, '')
  const value = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(digits) ? Number(digits) : Number.NaN
  if (!Number.isFinite(value)) throw formatError(source, field, `is not a number: ${JSON.stringify(raw.slice(0, 40))}`)
  return negative ? -value : value
}

/** A YYYY-MM-DD date as the epoch ms of its UTC midnight, or an error naming the field. */
export function parseDay(raw: unknown, source: string, field: string): number {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw formatError(source, field, `is not a YYYY-MM-DD date: ${JSON.stringify(raw)}`)
  const ms = Date.parse(`${raw}T00:00:00Z`)
  if (Number.isNaN(ms)) throw formatError(source, field, `is not a calendar date: ${raw}`)
  return ms
}

export const dayOf = (ms: number) => toIso(ms).slice(0, 10)
export const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS

/** The array at `field` of a parsed body, or an error naming it. */
export function arrayAt(value: unknown, source: string, field: string): unknown[] {
  if (!Array.isArray(value)) throw formatError(source, field, `is not an array (got ${value === null ? 'null' : typeof value})`)
  return value
}

export function recordAt(value: unknown, source: string, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw formatError(source, field, 'is not an object')
  return value as Record<string, unknown>
}

/** Evidence of one fetch: the URL without secrets, the raw payload's hash, when it was fetched. */
export function evidenceOf(source: string, fetched: Fetched): Evidence {
  return { source, ref: fetched.ref, hash: fetched.hash, fetched_at: fetched.fetchedAt }
}

export function inWindow(ts: number, since: number | undefined, until: number | undefined): boolean {
  return (since === undefined || ts >= since) && (until === undefined || ts <= until)
}

export interface PointParts {
  readonly ts: number
  readonly value: number
  readonly evidence: readonly Evidence[]
  readonly meta?: Record<string, unknown>
  readonly confidence?: number
  /** When the source says the value became known (ISO): the store's knowledge time. */
  readonly knownAt?: string
}

export function toPoint(featureId: string, parts: PointParts): PublishPoint {
  return {
    featureId,
    ts: toIso(parts.ts),
    value: parts.value,
    ...(parts.confidence === undefined ? {} : { confidence: parts.confidence }),
    ...(parts.meta === undefined ? {} : { meta: parts.meta }),
    evidence: parts.evidence.map((entry) => ({ ...entry })),
    ...(parts.knownAt === undefined ? {} : { known_at: parts.knownAt }),
  }
}

/** `value × scale` without float noise (98.657 × 1e9 is 98657000000, not …999.99998); scale 1 cleans a sum. */
export function scaled(value: number, scale: number): number {
  return Number((value * scale).toPrecision(15))
}

/** Historical adapters load the last 30 days when no `since` is given. */
export const DEFAULT_HISTORY_MS = 30 * DAY_MS
