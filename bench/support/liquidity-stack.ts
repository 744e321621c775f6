import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTokenSigner } from '@lav/shared'
import { startServiceProcess, type ServiceProcess } from '../../scripts/lib/service-process'
import { httpOk, waitFor } from '../../scripts/lib/wait'
import { freePort } from '../../test/support/redis-server'
import { createBenchDatabase, DEFAULT_DATABASE_URL } from './database'

const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url))

export interface LiquidityStack {
  storeUrl: string
  liquidityUrl: string
  bareUrl: string
  /** oracle.reader oracle.publisher, signed with the key both services verify. */
  token: string
  stop(): Promise<void>
}

export type Child = ServiceProcess & { url: string }

/**
 * feature-store-svc on a bench database of its own (no Redis: the regime reads POST /query,
 * which never touches the cache), liquidity-svc reading it, and the bare Fastify baseline.
 * Each runs as its own process, as in production; `stop` undoes everything in reverse order.
 */
export async function startLiquidityStack(env: NodeJS.ProcessEnv): Promise<LiquidityStack> {
  const undo: Array<() => Promise<unknown>> = []
  const stop = async () => {
    for (const step of undo.reverse()) await step().catch((error) => console.error(`bench clean-up: ${(error as Error).message}`))
  }
  try {
    const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
    undo.push(database.drop)
    const secret = randomBytes(32).toString('hex')
    // A minimal environment: LIQ_* or FEATURE_STORE_* variables of the caller's shell must not change what is measured.
    const base = { PATH: env.PATH, HOME: env.HOME, JWT_SECRET: secret, LOG_LEVEL: 'warn' }
    const store = await startChild('feature-store-svc', 'feature-store-svc/src/server.ts', (port) => ({ ...base, DATABASE_URL: database.url, FEATURE_STORE_HOST: '127.0.0.1', FEATURE_STORE_PORT: String(port) }))
    undo.push(store.stop)
    const liquidity = await startChild('liquidity-svc', 'liquidity-svc/src/server.ts', (port) => ({ ...base, FEATURE_STORE_URL: store.url, LIQUIDITY_HOST: '127.0.0.1', LIQUIDITY_PORT: String(port) }))
    undo.push(liquidity.stop)
    const bare = await startChild('bare-fastify', BARE_SERVER, (port) => ({ PATH: env.PATH, HOME: env.HOME, BARE_PORT: String(port) }))
    undo.push(bare.stop)
    const token = createTokenSigner({ algorithm: 'HS256', secret, issuer: 'lav-oracle', audience: 'lav-api' })({ sub: 'bench', scope: 'oracle.reader oracle.publisher', ttl: '2h' })
    return { storeUrl: store.url, liquidityUrl: liquidity.url, bareUrl: bare.url, token, stop }
  } catch (error) {
    await stop()
    throw error
  }
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
