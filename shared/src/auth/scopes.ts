export const SCOPES = ['oracle.reader', 'oracle.publisher', 'oracle.admin'] as const
export type Scope = (typeof SCOPES)[number]

// A publisher may do what a reader may; an admin may do everything.
const IMPLIED_BY: Record<Scope, Scope[]> = {
  'oracle.reader': ['oracle.reader', 'oracle.publisher', 'oracle.admin'],
  'oracle.publisher': ['oracle.publisher', 'oracle.admin'],
  'oracle.admin': ['oracle.admin'],
}

/** OAuth-style space-separated scope claim → the set of scopes it grants. */
export function parseScopes(claim: unknown): Set<string> {
  if (typeof claim === 'string') return new Set(claim.split(' ').filter(Boolean))
  if (Array.isArray(claim)) return new Set(claim.filter((s): s is string => typeof s === 'string'))
  return new Set()
}

export function hasScope(granted: Set<string>, needed: Scope): boolean {
  return IMPLIED_BY[needed].some((scope) => granted.has(scope))
}
