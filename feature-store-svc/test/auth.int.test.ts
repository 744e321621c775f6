import { createSigner } from 'fast-jwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEPTH, TEST_AUTH, bearer, signToken, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
let store: StoreHarness

beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

type Route = { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: unknown; needs: 'reader' | 'publisher' | 'admin' }
const ROUTES: Route[] = [
  { method: 'GET', url: '/catalog', needs: 'reader' },
  { method: 'GET', url: `/catalog/${encodeURIComponent(DEPTH)}`, needs: 'reader' },
  { method: 'GET', url: `/latest?featureId=${encodeURIComponent(DEPTH)}`, needs: 'reader' },
  { method: 'POST', url: '/query', payload: { featureIds: [DEPTH] }, needs: 'reader' },
  { method: 'GET', url: '/dq', needs: 'reader' },
  { method: 'POST', url: '/publish', payload: [], needs: 'publisher' },
  { method: 'POST', url: '/catalog', payload: { nonsense: true }, needs: 'admin' },
  { method: 'DELETE', url: `/catalog/${encodeURIComponent('x/none')}`, needs: 'admin' },
]
const RANK = { reader: 1, publisher: 2, admin: 3 }
const SCOPES = { none: 0, 'oracle.reader': 1, 'oracle.publisher': 2, 'oracle.admin': 3 } as const

const call = (route: Route, headers: Record<string, string>) =>
  store.app.inject({ method: route.method, url: `${API}${route.url}`, headers, ...(route.payload !== undefined ? { payload: route.payload as object } : {}) })

describe('scope matrix on the service itself', () => {
  for (const route of ROUTES) {
    for (const [scope, rank] of Object.entries(SCOPES)) {
      const allowed = rank >= RANK[route.needs]
      it(`${route.method} ${route.url.split('?')[0]} with ${scope} → ${allowed ? 'allowed' : '403'}`, async () => {
        const response = await call(route, bearer(scope === 'none' ? '' : scope))
        if (allowed) expect([200, 201, 400, 404]).toContain(response.statusCode)
        else expect(response.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' })
      })
    }
  }
})

describe('authentication failures → 401 before the body is looked at', () => {
  const sign = (options: Record<string, unknown>, payload: Record<string, unknown> = { sub: 'x', scope: 'oracle.admin' }) =>
    createSigner({ key: TEST_AUTH.secret, iss: TEST_AUTH.issuer, aud: TEST_AUTH.audience, expiresIn: 60_000, ...options })(payload)
  const good = signToken({ sub: 'x', scope: 'oracle.admin' })
  const [head, body] = good.split('.')
  const cases: Record<string, string | undefined> = {
    'no header': undefined,
    'not a bearer': 'Basic abc',
    malformed: 'Bearer not.a.jwt',
    'alg none': `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`,
    'wrong key': `Bearer ${createSigner({ key: 'another-secret-that-is-long-enough-000000', iss: TEST_AUTH.issuer, aud: TEST_AUTH.audience, expiresIn: 60_000 })({ sub: 'x', scope: 'oracle.admin' })}`,
    expired: `Bearer ${sign({ expiresIn: undefined }, { sub: 'x', scope: 'oracle.admin', exp: Math.floor(Date.now() / 1000) - 60 })}`,
    'nbf in the future': `Bearer ${sign({ notBefore: 3_600_000 })}`,
    'wrong issuer': `Bearer ${sign({ iss: 'someone-else' })}`,
    'wrong audience': `Bearer ${sign({ aud: 'other-api' })}`,
    'no exp': `Bearer ${sign({ expiresIn: undefined })}`,
    'no sub': `Bearer ${sign({}, { scope: 'oracle.admin' })}`,
    'tampered payload': `Bearer ${head}.${Buffer.from(JSON.stringify({ sub: 'x', scope: 'oracle.admin', exp: 9_999_999_999, iss: TEST_AUTH.issuer, aud: TEST_AUTH.audience })).toString('base64url')}.${good.split('.')[2]}`,
  }
  for (const [label, authorization] of Object.entries(cases)) {
    it(label, async () => {
      const response = await store.app.inject({
        method: 'POST',
        url: `${API}/publish`,
        headers: authorization ? { authorization } : {},
        payload: { this: 'is not a valid body' },
      })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized' })
      expect(response.json().issues).toBeUndefined()
    })
  }

  it('health and metrics need no token', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await store.app.inject({ method: 'GET', url })).statusCode).toBe(200)
  })

  it('echoes a safe correlation id and replaces an unsafe one', async () => {
    const safe = await store.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-correlation-id': 'abc-123.X_y' } })
    expect(safe.headers['x-correlation-id']).toBe('abc-123.X_y')
    const unsafe = await store.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-correlation-id': 'bad id<script>' } })
    expect(unsafe.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})
