import { randomBytes } from 'node:crypto'
import { createTokenSigner } from '@lav/shared'
import { startServiceProcess, type ServiceProcess } from '../../scripts/lib/service-process'
import { httpOk, waitFor } from '../../scripts/lib/wait'
import { freePort } from '../../test/support/redis-server'
import { createBenchDatabase, DEFAULT_DATABASE_URL } from './database'
import { buildUndoable } from './undo'

export type Child = ServiceProcess & { url: string }

/**
 * A bench's services as child processes, each on a free port, sharing one JWT secret: starts with
 * feature-store-svc on a bench database of its own; `start` adds more; `stop` undoes everything
 * in reverse order (also after a failed start).
 */
export interface ChildStack {
  store: Child
  /** The environment every child starts from: PATH, HOME, the secret, warn-level logs, and `extra`. */
  base: NodeJS.ProcessEnv
  start(name: string, entry: string, envFor: (port: number) => NodeJS.ProcessEnv, readyPath?: string): Promise<Child>
  /** Runs `step` when the stack stops, before what was registered earlier. */
  defer(step: () => Promise<unknown>): void
  token(scope: string): string
  stop(): Promise<void>
}

/**
 * `extra` goes into every child's environment (e.g. REDIS_URL). A minimal environment otherwise:
 * LIQ_* or FEATURE_STORE_* variables of the caller's shell must not change what is measured.
 */
export async function startChildStack(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): Promise<ChildStack> {
  const secret = randomBytes(32).toString('hex')
  const base = { PATH: env.PATH, HOME: env.HOME, JWT_SECRET: secret, LOG_LEVEL: 'warn', ...extra }
  const signer = createTokenSigner({ algorithm: 'HS256', secret, issuer: 'lav-oracle', audience: 'lav-api' })
  return buildUndoable(async (undo) => {
    const start = async (name: string, entry: string, envFor: (port: number) => NodeJS.ProcessEnv, readyPath?: string) => {
      const child = await startChild(name, entry, envFor, readyPath)
      undo(child.stop)
      return child
    }
    const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
    undo(database.drop)
    const store = await start('feature-store-svc', 'feature-store-svc/src/server.ts', (port) => ({ ...base, DATABASE_URL: database.url, FEATURE_STORE_HOST: '127.0.0.1', FEATURE_STORE_PORT: String(port) }))
    return { store, base, start, defer: undo, token: (scope: string) => signer({ sub: 'bench', scope, ttl: '24h' }) }
  })
}

/**
 * Starts one service on a free port and waits for its /readyz (liquidity-svc's needs the store up),
 * or another path for a service whose readiness asks for upstreams the bench does not run.
 */
export async function startChild(name: string, entry: string, envFor: (port: number) => NodeJS.ProcessEnv, readyPath = '/readyz'): Promise<Child> {
  const port = await freePort()
  const child: Child = { ...startServiceProcess(name, entry, envFor(port)), url: `http://127.0.0.1:${port}` }
  const exited = new Promise<never>((_, reject) => child.child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready`))))
  try {
    await Promise.race([waitFor(() => httpOk(`${child.url}${readyPath}`), 60_000, `${name} ${readyPath}`), exited])
  } catch (error) {
    await child.stop()
    throw error
  }
  return child
}
