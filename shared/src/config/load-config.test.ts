import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AuthConfigSchema, toAuthConfig } from './auth-config'
import { ConfigError, envBoolean, envPort, loadConfig } from './load-config'

const Schema = z.object({ PORT: envPort(8081), DEMO: envBoolean(true), NAME: z.string() })

describe('loadConfig', () => {
  it('parses, fills defaults and freezes', () => {
    const config = loadConfig(Schema, { NAME: 'x', DEMO: 'false' })
    expect(config).toEqual({ PORT: 8081, DEMO: false, NAME: 'x' })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names the bad variable', () => {
    expect(() => loadConfig(Schema, { NAME: 'x', PORT: 'eighty' })).toThrow(ConfigError)
    expect(() => loadConfig(Schema, { NAME: 'x', PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig(Schema, { NAME: 'x', DEMO: 'yes' })).toThrow(/DEMO/)
    expect(() => loadConfig(Schema, {})).toThrow(/NAME/)
  })

  it('reads "false" as false, never as a truthy string', () => {
    expect(loadConfig(Schema, { NAME: 'x', DEMO: 'false' }).DEMO).toBe(false)
    expect(loadConfig(Schema, { NAME: 'x', DEMO: 'true' }).DEMO).toBe(true)
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig(Schema, { NAME: 'x', PORT: '' }).PORT).toBe(8081)
  })
})

describe('auth configuration', () => {
  it('needs a secret or a public key, and a secret of at least 32 characters', () => {
    expect(() => loadConfig(AuthConfigSchema, {})).toThrow(/JWT_SECRET/)
    expect(() => loadConfig(AuthConfigSchema, { JWT_SECRET: 'short' })).toThrow(/32/)
  })

  it('pins HS256 for a secret and RS256 or EdDSA for a public key', () => {
    expect(toAuthConfig(loadConfig(AuthConfigSchema, { JWT_SECRET: 'x'.repeat(32) })).algorithm).toBe('HS256')
    expect(toAuthConfig(loadConfig(AuthConfigSchema, { JWT_PUBLIC_KEY: 'pem' })).algorithm).toBe('RS256')
    expect(toAuthConfig(loadConfig(AuthConfigSchema, { JWT_PUBLIC_KEY: 'pem', JWT_ALGORITHM: 'EdDSA' })).algorithm).toBe('EdDSA')
  })

  it('refuses an algorithm its key does not match instead of running another one, naming the variable', () => {
    expect(() => loadConfig(AuthConfigSchema, { JWT_SECRET: 'x'.repeat(32), JWT_ALGORITHM: 'RS256' })).toThrow(/JWT_PUBLIC_KEY.*JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY/)
    expect(() => loadConfig(AuthConfigSchema, { JWT_PUBLIC_KEY: 'pem', JWT_ALGORITHM: 'HS256' })).toThrow(/JWT_SECRET.*JWT_ALGORITHM=HS256 needs JWT_SECRET/)
    // Both keys: JWT_ALGORITHM chooses; without it the public key does, as documented.
    const both = { JWT_SECRET: 'x'.repeat(32), JWT_PUBLIC_KEY: 'pem' }
    expect(toAuthConfig(loadConfig(AuthConfigSchema, { ...both, JWT_ALGORITHM: 'HS256' }))).toMatchObject({ algorithm: 'HS256', secret: 'x'.repeat(32) })
    expect(toAuthConfig(loadConfig(AuthConfigSchema, both))).toMatchObject({ algorithm: 'RS256', publicKey: 'pem' })
  })
})
