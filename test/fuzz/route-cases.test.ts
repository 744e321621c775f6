import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { routeFuzzers, type OpenApiDocument } from './route-cases'
import { defaultDictionary } from './schema-arbitrary'

const dictionary = defaultDictionary(['macro/us/walcl_total_usd'])
const doc = (paths: OpenApiDocument['paths']): OpenApiDocument => ({ info: {}, paths })

describe('route fuzzers from an OpenAPI document', () => {
  it('refuses an operation it cannot fuzz, so no route goes unfuzzed silently', () => {
    expect(() => routeFuzzers(doc({ '/a': { get: { parameters: [{ in: 'header', name: 'x-key', schema: { type: 'string' } }] } } }), dictionary)).toThrow(/header parameter x-key/)
    expect(() => routeFuzzers(doc({ '/a': { post: { requestBody: { content: { 'multipart/form-data': { schema: { type: 'object' } } } } } } }), dictionary)).toThrow(/multipart/)
    expect(() => routeFuzzers(doc({ '/a': { post: { requestBody: { content: { 'application/json': { schema: { type: 'string', contentEncoding: 'base64' } } } } } } }), dictionary)).toThrow(/contentEncoding/)
  })

  it('fills path parameters, keeps required query parameters, and sends JSON bodies', () => {
    const [fuzzer] = routeFuzzers(doc({
      '/api/x/{id}': {
        post: {
          parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }, { in: 'query', name: 'featureId', required: true, schema: { type: 'string' } }],
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 3 } }, required: ['n'], additionalProperties: false } } } },
        },
      },
    }), dictionary)
    const cases = fc.sample(fuzzer!.cases, { numRuns: 200, seed: 1 })
    expect(fuzzer!.route).toBe('POST /api/x/{id}')
    for (const test of cases) {
      expect(test.url).toMatch(/^\/api\/x\/[^/?]*\?/)
      expect(test.url).toContain('featureId=')
    }
    // Half the bodies are the schema's own shape, the other half mutated.
    const valid = cases.filter((test) => /^\{"n":[123]\}$/.test(String(test.body ?? '')))
    expect(valid.length).toBeGreaterThan(40)
    expect(valid.length).toBeLessThan(180)
    expect(fuzzer!.huge().map((test) => [String(test.body).length > 10_000_000, test.chunked ?? false])).toEqual([[true, false], [true, true]])
  })
})
