import fc from 'fast-check'

// What a hostile or careless client sends: text PostgreSQL cannot store, numbers JSON can write
// but a double cannot hold, shapes deep enough to hurt a recursive walker.

export const HOSTILE_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d\ude00',
  '\ufeff',
  '\u202e',
  ' ',
  '../../etc/passwd',
  '%00',
  '%',
  "'; drop table features_values; --",
  '${7*7}',
  '__proto__',
  'constructor',
  '1e308',
  '-1e309',
  '1e999',
  '-0',
  'NaN',
  'Infinity',
  '-Infinity',
  '9'.repeat(400),
  '0x10',
  '2025-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '1970-01-01T00:00:00Z',
  'Europe/Nowhere',
  'null',
  'true',
]

/** Numbers at the edges of what JSON text and a double hold. */
export const HOSTILE_NUMBERS = [0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 2 ** 63, 2 ** 31, -1, 0.1, 1.5]

/** Raw JSON number literals that JSON.stringify cannot produce: 1e999 parses to Infinity. */
export const RAW_NUMBER_LITERALS = ['1e999', '-1e999', '123456789012345678901234567890', '-0', '0.0000000000000000000000001e-400']

/** JSON text spliced in as it is: nesting deeper than JSON.stringify's recursion can write. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function deepNesting(depth: number, kind: 'array' | 'object'): RawJson {
  return new RawJson(kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)
}

/** JSON.stringify that writes RawJson as its text; undefined stays undefined, as with JSON.stringify. */
export function toJson(value: unknown): string | undefined {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map((item) => toJson(item) ?? 'null').join(',')}]`
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).flatMap(([key, item]) => {
      const text = toJson(item)
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`]
    })
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value)
}

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  )

/** Any JSON-ish value a field should not hold. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: hostileString() },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], JSON.parse('{"__proto__":{"polluted":1}}')) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 5_000 }).chain((depth) => fc.constantFrom(deepNesting(depth, 'array'), deepNesting(depth, 'object'))) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  )
