import fc from 'fast-check'
import { HOSTILE_STRINGS, RAW_NUMBER_LITERALS, toJson } from './hostile-values'
import { arbitraryFor, mutated, UnsupportedSchemaError, type Dictionary, type JsonSchema } from './schema-arbitrary'

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie'
  name: string
  required?: boolean
  schema: JsonSchema
}

interface Operation {
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> }
}

export interface OpenApiDocument {
  info: { description?: string }
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, JsonSchema> }
}

export interface HttpCase {
  method: string
  url: string
  headers: Record<string, string>
  body?: string | Buffer
  /** Sent as a stream, without content-length (chunked transfer encoding). */
  chunked?: boolean
  /** What the case sent, for the report of a failure (bodies cut short). */
  label: string
}

export interface RouteFuzzer {
  /** `POST /api/features/v1/publish`: the operation as the document names it. */
  route: string
  method: string
  cases: fc.Arbitrary<HttpCase>
  /** A body of about 10 MB, sent once per route (not per case), with a content-length and chunked. */
  huge(): HttpCase[]
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete'])
const HUGE_BYTES = 10 * 1024 * 1024

/** Every operation of the merged document, each with its case generator; throws on one it cannot fuzz. */
export function routeFuzzers(document: OpenApiDocument, dictionary: Dictionary): RouteFuzzer[] {
  const resolve = (ref: string): JsonSchema => {
    const name = ref.replace('#/components/schemas/', '')
    const schema = document.components?.schemas?.[name]
    if (!schema) throw new UnsupportedSchemaError(`unresolvable $ref ${ref}`)
    return schema
  }
  const fuzzers: RouteFuzzer[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue
      fuzzers.push(routeFuzzer(path, method.toUpperCase(), operation, dictionary, resolve))
    }
  }
  return fuzzers
}

function routeFuzzer(path: string, method: string, operation: Operation, dictionary: Dictionary, resolve: (ref: string) => JsonSchema): RouteFuzzer {
  const route = `${method} ${path}`
  const parameters = operation.parameters ?? []
  const unsupported = parameters.filter((p) => p.in !== 'path' && p.in !== 'query')
  if (unsupported.length > 0) throw new UnsupportedSchemaError(`${route}: no fuzzer for ${unsupported.map((p) => `${p.in} parameter ${p.name}`).join(', ')}`)
  const content = operation.requestBody?.content
  const contentTypes = Object.keys(content ?? {})
  if (contentTypes.some((type) => type !== 'application/json')) throw new UnsupportedSchemaError(`${route}: no fuzzer for request bodies of ${contentTypes.join(', ')}`)
  const bodySchema = content?.['application/json']?.schema
  const value = (schema: JsonSchema, name: string) => arbitraryFor(schema, dictionary, resolve, `${route} ${name}`)
  const pathValues = fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, value(p.schema, p.name)])))
  const queryValues = queryArbitrary(parameters.filter((p) => p.in === 'query'), value)
  const shapedBody = bodySchema ? value(bodySchema, 'body') : fc.constant(undefined)
  const body = fc.oneof({ weight: 1, arbitrary: shapedBody }, { weight: 1, arbitrary: mutated(shapedBody) })
  const encoding = bodyEncoding(Boolean(bodySchema))
  // One body in ten goes chunked, without a content-length.
  const cases = fc.tuple(pathValues, queryValues, body, encoding, fc.nat(9)).map(([params, query, json, encode, roll]): HttpCase => {
    const url = `${fillPath(path, params)}${queryString(query)}`
    const { headers, body: sent } = encode(json)
    return { method, url, headers, body: sent, chunked: sent !== undefined && roll === 0, label: `${method} ${url.slice(0, 300)} ${headers['content-type'] ?? '(no content-type)'} ${String(sent ?? '').slice(0, 300)}` }
  })
  return { route, method, cases, huge: () => hugeCases(method, path, Boolean(bodySchema)) }
}

type QueryValues = Array<[string, unknown]>

function queryArbitrary(parameters: Parameter[], value: (schema: JsonSchema, name: string) => fc.Arbitrary<unknown>): fc.Arbitrary<QueryValues> {
  const each = parameters.map((p) => {
    const present = p.required ? fc.constant(true) : fc.boolean()
    // A parameter given twice arrives as an array, which the route's schema must refuse cleanly.
    return fc.tuple(present, value(p.schema, p.name), fc.nat(9)).map(([on, v, roll]): QueryValues => (!on ? [] : roll === 0 ? [[p.name, v], [p.name, v]] : [[p.name, v]]))
  })
  // An unknown parameter in one case of six (the routes are strict: it must be a 400, never a 500).
  const extra = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'a[b]'), fc.constantFrom(...HOSTILE_STRINGS)) })
  return fc.tuple(fc.tuple(...each), extra).map(([lists, more]) => [...lists.flat(), ...(more ? [more as [string, unknown]] : [])])
}

// encodeURIComponent throws on a lone surrogate; a client can still send its UTF-8-ish bytes.
function encodeComponent(value: unknown): string {
  const text = typeof value === 'string' ? value : toJson(value) ?? ''
  return text.replace(/[\s\S]/gu, (char) => {
    try {
      return encodeURIComponent(char)
    } catch {
      return '%ED%A0%80'
    }
  })
}

function fillPath(path: string, params: Record<string, unknown>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeComponent(params[name]).slice(0, 6_000))
}

function queryString(values: QueryValues): string {
  if (values.length === 0) return ''
  // Node answers a request line over 16 KB with a bare 431 before any route runs; stay under it.
  return `?${values.map(([name, v]) => `${encodeComponent(name)}=${encodeComponent(v).slice(0, 6_000)}`).join('&')}`
}

type Encode = (json: unknown) => { headers: Record<string, string>; body?: string | Buffer }

function bodyEncoding(hasBody: boolean): fc.Arbitrary<Encode> {
  const json: Encode = (value) => ({ headers: { 'content-type': 'application/json' }, body: toJson(value) })
  if (!hasBody) return fc.oneof({ weight: 8, arbitrary: fc.constant<Encode>(() => ({ headers: {} })) }, { weight: 1, arbitrary: fc.constant(json) })
  const wrongType = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml', 'application/json, text/plain')
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(json) },
    { weight: 1, arbitrary: wrongType.map((type): Encode => (value) => ({ headers: { 'content-type': type }, body: toJson(value) ?? '' })) },
    { weight: 1, arbitrary: fc.constant<Encode>((value) => ({ headers: {}, body: toJson(value) ?? '' })) },
    { weight: 1, arbitrary: malformedJson().map((text): Encode => () => ({ headers: { 'content-type': 'application/json' }, body: text })) },
  )
}

/** JSON text no serializer writes: truncated, invalid UTF-8, numbers past a double, duplicate keys. */
function malformedJson(): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    fc.constantFrom('', '{', '[', 'null', '"x"', '{"a":1,}', '[1,]', "{'a':1}", '\u0000', '{"featureIds":["a"],"featureIds":["b"]}'),
    fc.constantFrom(...RAW_NUMBER_LITERALS).map((n) => `[{"featureId":"crypto/btc/spot_price_usd","ts":"2025-10-20T00:00:00Z","value":${n}}]`),
    fc.constantFrom(...RAW_NUMBER_LITERALS).map((n) => `{"featureIds":["crypto/btc/spot_price_usd"],"limit":${n}}`),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])),
  )
}

function hugeCases(method: string, path: string, hasBody: boolean): HttpCase[] {
  const url = fillPath(path, { id: 'macro/us/walcl_total_usd' })
  const unit = hasBody && path.endsWith('/publish') ? '{"featureId":"macro/us/walcl_total_usd","ts":"2025-10-20T00:00:00Z","value":1},' : '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'
  const items = unit.repeat(Math.ceil(HUGE_BYTES / unit.length))
  const body = path.endsWith('/publish') ? `[${items.slice(0, -1)}]` : `{"featureIds":[${items.slice(0, -1)}]}`
  const label = `${method} ${url} with a ${Math.round(body.length / 1024 / 1024)} MB JSON body`
  const headers = { 'content-type': 'application/json' }
  return [
    { method, url, headers, body, label },
    { method, url, headers, body, chunked: true, label: `${label}, chunked` },
  ]
}
