import { createVerifier } from 'fast-jwt'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createServiceTokenProvider } from './service-token'

const AUTH = { algorithm: 'HS256' as const, secret: 's'.repeat(40), issuer: 'lav-oracle', audience: 'lav-api' }

describe('the service token', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is signed with the configured key, scope oracle.reader, and kept until a fifth of its life is left', () => {
    // The signer stamps iat and exp from the clock too, so the whole clock moves.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2025, 9, 20) })
    const token = createServiceTokenProvider({ auth: AUTH, ttlSeconds: 600 })
    const first = token()
    const claims = createVerifier({ key: AUTH.secret, allowedIss: AUTH.issuer, allowedAud: AUTH.audience })(first)
    expect(claims).toMatchObject({ sub: 'liquidity-svc', scope: 'oracle.reader' })
    expect(claims.exp - claims.iat).toBe(600)
    vi.setSystemTime(Date.now() + 479_000)
    expect(token()).toBe(first)
    vi.setSystemTime(Date.now() + 2_000)
    expect(token()).not.toBe(first)
  })

  it('is LIQUIDITY_SERVICE_TOKEN as is when configured', () => {
    expect(createServiceTokenProvider({ auth: AUTH, fixedToken: 'fixed.token.value', ttlSeconds: 600 })()).toBe('fixed.token.value')
  })
})
