import fc from 'fast-check'
import { deepNesting, hostileString, hostileValue } from './hostile-values'

/** The JSON Schema subset the services' OpenAPI documents use (zod 4 → fastify-swagger). */
export interface JsonSchema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema | JsonSchema[]
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: boolean | number
  exclusiveMaximum?: boolean | number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  nullable?: boolean
  default?: unknown
  $ref?: string
  [keyword: string]: unknown
}

// Keywords the derivation understands or may ignore (docs only). Anything else fails the run,
// so a schema the fuzzer would silently under-generate is noticed when it appears.
const KNOWN = new Set(['type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'anyOf', 'oneOf', 'allOf', 'nullable', 'default', 'description', 'format', 'title', 'examples', 'example', 'propertyNames'])

/**
 * Values a string field often needs to get past validation into the service's logic: ids from
 * the live catalog, instants around now, time zones, by the field's name (`featureIds` → ids,
 * `since` → instants), else any of them. A fuzzer that only sends random text never reaches the
 * database; a dictionary is how coverage-guided fuzzers get there too.
 */
export interface Dictionary {
  byName: Record<string, string[]>
  any: string[]
}

export function defaultDictionary(featureIds: string[], now = Date.now()): Dictionary {
  const day = 86_400_000
  const instants = [now - 30 * day, now - 2 * day, now - 3_600_000, now, now + 60_000, now + 400 * day].map((ms) => new Date(ms).toISOString())
  instants.push('2025-10-20T00:00:00Z', '2025-10-20T00:00:00-06:00')
  const zones = ['UTC', 'America/Mexico_City', 'Asia/Kolkata']
  const byName: Record<string, string[]> = { tz: zones, tags: ['liquidity', 'macro', 'liquidity,macro'] }
  for (const name of ['id', 'featureId', 'featureIds']) byName[name] = featureIds
  for (const name of ['ts', 'since', 'until', 'asOf', 'known_at', 'fetched_at']) byName[name] = instants
  return { byName, any: [...featureIds, ...instants, ...zones] }
}

const STRUCTURAL = /^(items|anyOf|oneOf|allOf|additionalProperties|\d+|body|#)$/

/** The field a schema path names: `POST /x body/featureIds/items` → `featureIds`. */
function fieldName(where: string): string {
  return where.split(/[ /]/).filter((segment) => segment && !STRUCTURAL.test(segment)).at(-1) ?? ''
}

export class UnsupportedSchemaError extends Error {}

function checkKeywords(schema: JsonSchema, where: string): void {
  const unknown = Object.keys(schema).filter((key) => !KNOWN.has(key))
  if (unknown.length > 0) throw new UnsupportedSchemaError(`${where}: no fuzzer for schema keywords ${unknown.join(', ')}`)
}

function stringArbitrary(schema: JsonSchema, dictionary: Dictionary, where: string): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 60, 60)
  const shaped = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? Infinity))
    : fc.string({ minLength: Math.min(schema.minLength ?? 0, maxLength), maxLength })
  const words = dictionary.byName[fieldName(where)] ?? dictionary.any
  const fromDictionary = words.length > 0 ? fc.constantFrom(...words) : shaped
  return fc.oneof({ weight: 6, arbitrary: fromDictionary }, { weight: 2, arbitrary: shaped }, { weight: 1, arbitrary: hostileString() })
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lowExclusive = schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === 'number'
  const low = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : schema.minimum
  const high = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : schema.maximum
  if (integer) {
    const min = low === undefined ? -1_000_000 : Math.ceil(low) + (lowExclusive ? 1 : 0)
    const max = high === undefined ? 1_000_000 : Math.floor(high)
    return fc.oneof(fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }), fc.constantFrom(min, max))
  }
  return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: low, max: high }), fc.constantFrom(0, 1, 0.5, 1e6, -1e6))
}

/** Valid-shaped values of `schema` (mostly valid; strings may come from the dictionary or be hostile). */
export function arbitraryFor(schema: JsonSchema, dictionary: Dictionary, resolve: (ref: string) => JsonSchema, where = '#'): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryFor(resolve(schema.$ref), dictionary, resolve, schema.$ref)
  checkKeywords(schema, where)
  const inner = (child: JsonSchema, key: string) => arbitraryFor(child, dictionary, resolve, `${where}/${key}`)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const union = schema.anyOf ?? schema.oneOf
  if (union) return fc.oneof(...union.map((option, i) => inner(option, `anyOf/${i}`)))
  if (schema.allOf) return inner(Object.assign({}, ...schema.allOf) as JsonSchema, 'allOf')
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
  if (type.length > 1) return fc.oneof(...type.map((t) => inner({ ...schema, type: t }, t)))
  const base = ((): fc.Arbitrary<unknown> => {
    switch (type[0]) {
      case 'string':
        return stringArbitrary(schema, dictionary, where)
      case 'integer':
      case 'number':
        return numberArbitrary(schema, type[0] === 'integer')
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array':
        return arrayArbitrary(schema, inner)
      case 'object':
        return objectArbitrary(schema, inner)
      default:
        // `{}`: anything at all (a point's value is checked by the service, not the schema).
        return fc.oneof({ weight: 3, arbitrary: fc.double() }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) })
    }
  })()
  return schema.nullable ? fc.option(base, { nil: null }) : base
}

function arrayArbitrary(schema: JsonSchema, inner: (child: JsonSchema, key: string) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  if (Array.isArray(schema.items)) return fc.tuple(...schema.items.map((item, i) => inner(item, `items/${i}`)))
  const minLength = schema.minItems ?? 0
  const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3))
  return fc.array(schema.items ? inner(schema.items, 'items') : fc.jsonValue({ maxDepth: 1 }), { minLength, maxLength })
}

function objectArbitrary(schema: JsonSchema, inner: (child: JsonSchema, key: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {}
  const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, inner(child, key)]))
  const shaped = fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) })
  if (Object.keys(properties).length > 0 || schema.additionalProperties === false) return shaped as fc.Arbitrary<Record<string, unknown>>
  const values = typeof schema.additionalProperties === 'object' ? inner(schema.additionalProperties, 'additionalProperties') : fc.jsonValue({ maxDepth: 2 })
  return fc.dictionary(fc.string({ maxLength: 12 }), values, { maxKeys: 5 })
}

type Path = (string | number)[]

function leafPaths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path)
  if (Array.isArray(value)) value.forEach((item, i) => leafPaths(item, [...path, i], out))
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) leafPaths(item, [...path, key], out)
  return out
}

function replaceAt(value: unknown, path: Path, replacement: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replacement(value)
  const [head, ...rest] = path as [string | number, ...Path]
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>
  copy[head] = replaceAt(copy[head], rest, replacement)
  return copy
}

/** One hostile change to a valid-shaped value: a wrong leaf, an extra or missing key, a deep wrap. */
export function mutated(shaped: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutation = fc.oneof(
    hostileValue().map((bad) => ({ kind: 'replace' as const, bad })),
    fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor'), hostileValue()).map(([key, bad]) => ({ kind: 'extra' as const, key, bad })),
    fc.constant({ kind: 'drop' as const }),
    fc.integer({ min: 100, max: 10_000 }).map((depth) => ({ kind: 'nest' as const, depth })),
  )
  return fc.tuple(shaped, mutation, fc.nat()).map(([value, change, pick]) => {
    const paths = leafPaths(value)
    const path = paths[pick % paths.length] as Path
    switch (change.kind) {
      case 'replace':
        return replaceAt(value, path, () => change.bad)
      case 'extra':
        return replaceAt(value, path, (old) => (old !== null && typeof old === 'object' && !Array.isArray(old) ? { ...old, [change.key]: change.bad } : old))
      case 'drop':
        return path.length === 0 ? undefined : replaceAt(value, path.slice(0, -1), (parent) => dropKey(parent, path.at(-1) as string | number))
      case 'nest':
        return replaceAt(value, path, () => deepNesting(change.depth, pick % 2 ? 'array' : 'object'))
    }
  })
}

function dropKey(parent: unknown, key: string | number): unknown {
  if (Array.isArray(parent)) return parent.filter((_, i) => i !== key)
  const { [key]: _dropped, ...rest } = parent as Record<string | number, unknown>
  return rest
}
