import { createHmac, generateKeyPairSync } from 'node:crypto'
import type { AuthConfig } from '@lav/shared/config'
import { createSigner } from 'fast-jwt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, startGateway, type FakeUpstream } from './harness'

const pem = (kind: 'rsa' | 'ed25519') => {
  const pair = generateKeyPairSync(kind as 'rsa', { modulusLength: 2048 })
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}
const current = pem('rsa')
const previous = pem('rsa')
const stranger = pem('rsa')
const ISS = 'lav-oracle'
const AUD = 'lav-api'
const RS_AUTH: AuthConfig = { algorithm: 'RS256', publicKey: current.publicKey, keyId: 'k2', previousKeys: [{ kid: 'k1', publicKey: previous.publicKey }], issuer: ISS, audience: AUD }
const CLAIMS = { sub: 'alice', scope: 'oracle.admin' }

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const rsToken = (key: string, options: Record<string, unknown> = {}, claims: Record<string, unknown> = CLAIMS) =>
  createSigner({ key, algorithm: 'RS256', iss: ISS, aud: AUD, expiresIn: 60_000, kid: 'k2', ...options })(claims)
function hs256WithPublicKeyAsSecret(): string {
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'k2' })
  const body = b64({ ...CLAIMS, iss: ISS, aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 })
  return `${head}.${body}.${createHmac('sha256', current.publicKey).update(`${head}.${body}`).digest('base64url')}`
}

let upstream: FakeUpstream
let gateway: Awaited<ReturnType<typeof startGateway>>

beforeAll(async () => {
  upstream = await startFakeUpstream()
  gateway = await startGateway({ auth: RS_AUTH, upstreams: { features: upstream.url, liquidity: upstream.url } })
})
afterAll(async () => {
  await gateway.app.close()
  await upstream.close()
})

const get = (authorization?: string) =>
  gateway.app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: authorization ? { authorization } : {} })

describe('JWT at the gateway (RS256, key rotation by kid)', () => {
  it('accepts the current key and, during the overlap, the previous one', async () => {
    const first = await get(`Bearer ${rsToken(current.privateKey)}`)
    expect(first.json()).toEqual({ ok: true })
    expect(first.statusCode).toBe(200)
    expect((await get(`Bearer ${rsToken(previous.privateKey, { kid: 'k1' })}`)).statusCode).toBe(200)
    expect(upstream.calls).toHaveLength(2)
  })

  const [head, , signature] = rsToken(current.privateKey).split('.')
  // The forms every route refuses (no header, alg none, another algorithm, expired, …) are in
  // auth-matrix.int.test.ts; these are the ones key rotation by kid adds.
  const negative: Record<string, () => string | undefined> = {
    'previous key under the current kid': () => `Bearer ${rsToken(previous.privateKey)}`,
    'tampered payload': () => `Bearer ${head}.${b64({ ...CLAIMS, sub: 'mallory', iss: ISS, aud: AUD, exp: 9_999_999_999 })}.${signature}`,
    'unknown kid': () => `Bearer ${rsToken(stranger.privateKey, { kid: 'k9' })}`,
    'a stranger key under the current kid': () => `Bearer ${rsToken(stranger.privateKey)}`,
    'HS256 keyed with the current kid\'s public key': () => `Bearer ${hs256WithPublicKeyAsSecret()}`,
  }
  for (const [label, authorization] of Object.entries(negative)) {
    it(`${label} → 401, nothing reaches the upstream`, async () => {
      const before = upstream.calls.length
      const response = await get(authorization())
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized' })
      expect(response.headers['x-correlation-id']).toBeTruthy()
      expect(upstream.calls.length).toBe(before)
    })
  }
})

describe('EdDSA by configuration', () => {
  it('verifies an Ed25519-signed token when JWT_ALGORITHM=EdDSA', async () => {
    const ed = pem('ed25519')
    const edGateway = await startGateway({ auth: { algorithm: 'EdDSA', publicKey: ed.publicKey, issuer: ISS, audience: AUD }, upstreams: { features: upstream.url, liquidity: upstream.url } })
    const token = createSigner({ key: ed.privateKey, algorithm: 'EdDSA', iss: ISS, aud: AUD, expiresIn: 60_000 })(CLAIMS)
    const ok = await edGateway.app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: { authorization: `Bearer ${token}` } })
    expect(ok.statusCode).toBe(200)
    const rs = await edGateway.app.inject({ method: 'GET', url: '/api/features/v1/catalog', headers: { authorization: `Bearer ${rsToken(current.privateKey)}` } })
    expect(rs.statusCode).toBe(401)
    await edGateway.app.close()
  })
})
