import { createHmac, generateKeyPairSync } from 'node:crypto'
import type { AuthConfig } from '@lav/shared/config'
import { createSigner } from 'fast-jwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStore, TEST_AUTH, type StoreHarness } from '@lav/feature-store-svc/testing'
import { buildLiquidity } from '@lav/liquidity-svc/testing'
import { startFakeUpstream, startGateway, type FakeUpstream } from './harness'

// The auth matrix of api.md, asserted through the gateway on every operation of the merged
// OpenAPI document (so a new route is covered as soon as a service documents it): thirteen forms
// of a bad token → 401 with a message, and every scope set → 403 or forwarded as api.md's scope
// table says. Neither a 401 nor a 403 ever reaches an upstream (fake upstreams record each call).

const rsa = () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}
const key = rsa()
const stranger = rsa()
const ISS = 'lav-oracle'
const AUD = 'lav-api'
const RS_AUTH: AuthConfig = { algorithm: 'RS256', publicKey: key.publicKey, issuer: ISS, audience: AUD }
const ADMIN = { sub: 'matrix', scope: 'oracle.admin' }
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const sign = (options: Record<string, unknown> = {}, claims: Record<string, unknown> = ADMIN) =>
  createSigner({ key: key.privateKey, algorithm: 'RS256', iss: ISS, aud: AUD, expiresIn: 60_000, ...options })(claims)
const nowS = () => Math.floor(Date.now() / 1000)

/** The twelve forms of the issue (each a rule of api.md, "Authentication and scopes"), plus a header that is not base64url JSON. */
const BAD_TOKENS: Array<[string, () => string | undefined]> = [
  ['no Authorization header', () => undefined],
  ['another scheme (Basic)', () => `Basic ${Buffer.from('matrix:secret').toString('base64')}`],
  ['empty bearer', () => 'Bearer '],
  ['malformed: two parts', () => `Bearer ${sign().split('.').slice(0, 2).join('.')}`],
  ['header not base64url JSON', () => `Bearer %%%.${sign().split('.')[1]}.${sign().split('.')[2]}`],
  ['alg none', () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...ADMIN, iss: ISS, aud: AUD, exp: nowS() + 60 })}.`],
  ['another algorithm: HS256 keyed with the RS256 public key', () => {
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...ADMIN, iss: ISS, aud: AUD, exp: nowS() + 60 })}`
    return `Bearer ${head}.${createHmac('sha256', key.publicKey).update(head).digest('base64url')}`
  }],
  ['bad signature: signed by another key', () => `Bearer ${createSigner({ key: stranger.privateKey, algorithm: 'RS256', iss: ISS, aud: AUD, expiresIn: 60_000 })(ADMIN)}`],
  ['expired', () => `Bearer ${sign({ expiresIn: undefined }, { ...ADMIN, exp: nowS() - 10 })}`],
  ['not yet valid (nbf in 10 min)', () => `Bearer ${sign({ notBefore: 600_000 })}`],
  ['wrong issuer', () => `Bearer ${sign({ iss: 'evil' })}`],
  ['wrong audience', () => `Bearer ${sign({ aud: 'other' })}`],
  ['missing exp', () => `Bearer ${sign({ expiresIn: undefined })}`],
]

/** api.md's scope table, written out here rather than imported: the test checks the gateway's table against it. */
function scopeNeeded(method: string, path: string): string {
  if (method === 'GET') return 'oracle.reader'
  if (method === 'POST' && path === '/api/features/v1/query') return 'oracle.reader'
  if (method === 'POST' && path === '/api/features/v1/publish') return 'oracle.publisher'
  return 'oracle.admin'
}
const GRANTS: Record<string, string[]> = {
  'oracle.reader': ['oracle.reader', 'oracle.publisher', 'oracle.admin'],
  'oracle.publisher': ['oracle.publisher', 'oracle.admin'],
  'oracle.admin': ['oracle.admin'],
}
const SCOPE_SETS = ['', 'oracle.reader', 'oracle.publisher', 'oracle.admin', 'oracle.reader oracle.publisher', 'oracle.reader oracle.admin', 'oracle.publisher oracle.admin', 'oracle.reader oracle.publisher oracle.admin', 'oracle.writer', 'ORACLE.ADMIN', 'oracle.admin.all', 'oracle.readeroracle.admin']

interface Route {
  method: string
  path: string
  url: string
}

let store: StoreHarness
let routes: Route[]
let features: FakeUpstream
let liquidity: FakeUpstream
let gateway: Awaited<ReturnType<typeof startGateway>>

/** Every operation of the merged document the gateway serves in front of the real services. */
async function documentedRoutes(): Promise<Route[]> {
  store = await startStore()
  const storeUrl = await store.app.listen({ host: '127.0.0.1', port: 0 })
  const real = (await buildLiquidity({ storeUrl })).app
  const liquidityUrl = await real.listen({ host: '127.0.0.1', port: 0 })
  const docs = await startGateway({ auth: TEST_AUTH, upstreams: { features: storeUrl, liquidity: liquidityUrl } })
  const document = (await docs.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> }
  await docs.app.close()
  await real.close()
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), path, url: path.replace(/\{\w+\}/g, encodeURIComponent('macro/us/walcl_total_usd')) })),
  )
}

beforeAll(async () => {
  routes = await documentedRoutes()
  features = await startFakeUpstream()
  liquidity = await startFakeUpstream()
  gateway = await startGateway({ auth: RS_AUTH, upstreams: { features: features.url, liquidity: liquidity.url } })
})
afterAll(async () => {
  await gateway?.app.close()
  await features?.close()
  await liquidity?.close()
  await store?.close()
})

const upstreamOf = (route: Route) => (route.path.startsWith('/api/liquidity') ? liquidity : features)
const call = (route: Route, authorization: string | undefined) =>
  gateway.app.inject({
    method: route.method as 'GET',
    url: route.url,
    headers: { ...(authorization === undefined ? {} : { authorization }), 'content-type': 'application/json' },
    ...(route.method === 'GET' ? {} : { payload: '{}' }),
  })

describe('the routes', () => {
  it('are every operation api.md lists, read from the merged document', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(expect.arrayContaining([
      'DELETE /api/features/v1/catalog/{id}', 'GET /api/features/v1/catalog', 'GET /api/features/v1/catalog/{id}', 'GET /api/features/v1/dq', 'GET /api/features/v1/latest',
      'GET /api/liquidity/v1/hints', 'GET /api/liquidity/v1/regime/history', 'GET /api/liquidity/v1/regime/latest', 'GET /api/liquidity/v1/scoreboard',
      'POST /api/features/v1/catalog', 'POST /api/features/v1/publish', 'POST /api/features/v1/query',
    ]))
  })
})

describe('a bad token → 401 with a message on every route; nothing reaches an upstream', () => {
  it('a good token passes on every route (the control)', async () => {
    for (const route of routes) expect.soft((await call(route, `Bearer ${sign()}`)).statusCode, `${route.method} ${route.path}`).toBe(200)
  })

  for (const [form, token] of BAD_TOKENS) {
    it(form, async () => {
      for (const route of routes) {
        const before = [features.calls.length, liquidity.calls.length]
        const response = await call(route, token())
        const where = `${route.method} ${route.path}`
        expect.soft(response.statusCode, where).toBe(401)
        expect.soft(response.json(), where).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', message: expect.stringMatching(/\S/) })
        expect.soft([features.calls.length, liquidity.calls.length], `${where} reached an upstream`).toEqual(before)
      }
    })
  }
})

describe('every route × every scope set → 403 (never upstream) or forwarded once, as api.md says', () => {
  for (const scopes of SCOPE_SETS) {
    it(`scope "${scopes || '(none)'}"`, async () => {
      const granted = new Set(scopes.split(' ').filter(Boolean))
      for (const route of routes) {
        const needed = scopeNeeded(route.method, route.path)
        const allowed = GRANTS[needed]?.some((scope) => granted.has(scope)) ?? false
        const upstream = upstreamOf(route)
        const before = [features.calls.length, liquidity.calls.length]
        const response = await call(route, `Bearer ${sign({}, { sub: 'matrix', scope: scopes })}`)
        const where = `${route.method} ${route.path} as "${scopes}"`
        if (allowed) {
          expect.soft(response.statusCode, where).toBe(200)
          expect.soft(upstream.calls.length - (upstream === features ? before[0]! : before[1]!), where).toBe(1)
          expect.soft(upstream.calls.at(-1), where).toMatchObject({ method: route.method, url: route.url })
        } else {
          expect.soft(response.json(), where).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', message: `this call needs the scope ${needed}` })
          expect.soft([features.calls.length, liquidity.calls.length], `${where} reached an upstream`).toEqual(before)
        }
      }
    })
  }
})
