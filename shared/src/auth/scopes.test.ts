import { describe, expect, it } from 'vitest'
import { hasScope, parseScopes } from './scopes'

describe('scopes', () => {
  it('parses the space-separated OAuth claim', () => {
    expect([...parseScopes('oracle.reader  oracle.publisher')]).toEqual(['oracle.reader', 'oracle.publisher'])
    expect([...parseScopes(undefined)]).toEqual([])
  })

  it('lets a publisher read and an admin do everything, never the other way round', () => {
    expect(hasScope(parseScopes('oracle.publisher'), 'oracle.reader')).toBe(true)
    expect(hasScope(parseScopes('oracle.admin'), 'oracle.publisher')).toBe(true)
    expect(hasScope(parseScopes('oracle.admin'), 'oracle.reader')).toBe(true)
    expect(hasScope(parseScopes('oracle.reader'), 'oracle.publisher')).toBe(false)
    expect(hasScope(parseScopes('oracle.publisher'), 'oracle.admin')).toBe(false)
    expect(hasScope(parseScopes('oracle.readers'), 'oracle.reader')).toBe(false)
  })
})
