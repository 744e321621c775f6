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

/** A JSON object (a point's meta) every key and string of which PostgreSQL's jsonb stores. */
export const StorableJsonObject = z.record(z.string(), z.unknown()).superRefine((object, ctx) => {
  for (const { path, reason } of unstorableStrings(object, [])) ctx.addIssue({ code: 'custom', path, message: reason })
})

function* unstorableStrings(value: unknown, path: (string | number)[]): Generator<{ path: (string | number)[]; reason: string }> {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value)
    if (reason) yield { path, reason }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* unstorableStrings(item, [...path, index])
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unstorableTextReason(key)
      if (keyReason) yield { path: [...path, key], reason: `key ${keyReason}` }
      yield* unstorableStrings(item, [...path, key])
    }
  }
}
