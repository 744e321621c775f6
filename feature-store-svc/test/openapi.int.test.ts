import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStore, type StoreHarness } from './harness'

let store: StoreHarness
beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

describe('GET /openapi.json', () => {
  it('describes every public route from its zod schemas, without a token', async () => {
    const response = await store.app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json()
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths).sort()).toEqual(
      ['/api/features/v1/catalog', '/api/features/v1/catalog/{id}', '/api/features/v1/dq', '/api/features/v1/latest', '/api/features/v1/publish', '/api/features/v1/query', '/healthz', '/readyz'].sort(),
    )
    const query = document.paths['/api/features/v1/query'].post
    expect(query.requestBody.content['application/json'].schema.properties.featureIds).toMatchObject({ type: 'array', maxItems: 50 })
    const latestParameters = document.paths['/api/features/v1/latest'].get.parameters
    expect(latestParameters).toContainEqual(expect.objectContaining({ name: 'consistency', in: 'query', required: false, description: expect.stringContaining('strong'), schema: expect.objectContaining({ enum: ['eventual', 'strong'] }) }))
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
  })
})
