import { createServer } from 'node:net'

export interface PortClaim {
  port: number
  variable: string
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/**
 * Checks every port the launcher is about to use before it starts anything, so a busy port is
 * one clear message naming the variable to change, never a half-started stack.
 */
export async function assertPortsFree(claims: PortClaim[]): Promise<void> {
  const busy: PortClaim[] = []
  for (const claim of claims) if (!(await isFree(claim.port))) busy.push(claim)
  if (busy.length === 0) return
  const list = busy.map((claim) => `${claim.port} (${claim.variable})`).join(', ')
  throw new Error(`port${busy.length > 1 ? 's' : ''} already in use: ${list}. Stop what listens there, or set ${busy.map((c) => c.variable).join(' / ')} to a free port.`)
}
