import { z } from 'zod'

// A UTF-16 surrogate without its other half: not Unicode, and jsonb refuses its \u escape.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Why PostgreSQL would refuse `text` in a text or jsonb column, or null when it takes it. Caught
 * at the edge, such text is a 400 naming the field, not a 500 from the database.
 */
export function unstorableTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains U+0000 (NUL), which PostgreSQL text cannot hold'
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate, which is not Unicode text'
  return null
}

/** A string PostgreSQL stores as given. */
export const StorableString = z.string().superRefine((text, ctx) => {
  const reason = unstorableTextReason(text)
  if (reason) ctx.addIssue({ code: 'custom', message: reason })
})

/** Deeper than this, a meta object is refused: PostgreSQL's jsonb parser and any recursive reader run out of stack long before JSON text does. */
export const MAX_JSON_DEPTH = 64

/** A JSON object (a point's meta) every key and string of which PostgreSQL's jsonb stores. */
export const StorableJsonObject = z.record(z.string(), z.unknown()).superRefine((object, ctx) => {
  for (const { path, reason } of unstorableStrings(object)) ctx.addIssue({ code: 'custom', path, message: reason })
})

type JsonPath = (string | number)[]

// An explicit stack, not recursion: the body is client-controlled, and 10,000 nested objects
// overflowed the call stack of a recursive walk (a 500 instead of a 400).
function* unstorableStrings(root: unknown): Generator<{ path: JsonPath; reason: string }> {
  const pending: { value: unknown; path: JsonPath }[] = [{ value: root, path: [] }]
  while (pending.length > 0) {
    const { value, path } = pending.pop() as { value: unknown; path: JsonPath }
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value)
      if (reason) yield { path, reason }
      continue
    }
    if (value === null || typeof value !== 'object') continue
    if (path.length >= MAX_JSON_DEPTH) {
      yield { path, reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }
      continue
    }
    for (const [key, item] of Object.entries(value)) {
      const keyReason = Array.isArray(value) ? null : unstorableTextReason(key)
      if (keyReason) yield { path: [...path, key], reason: `key ${keyReason}` }
      pending.push({ value: item, path: [...path, Array.isArray(value) ? Number(key) : key] })
    }
  }
}
