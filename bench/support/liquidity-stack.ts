import { fileURLToPath } from 'node:url'
import { startChildStack } from './child-stack'

const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url))

export interface LiquidityStack {
  storeUrl: string
  liquidityUrl: string
  bareUrl: string
  /** oracle.reader oracle.publisher, signed with the key both services verify. */
  token: string
  stop(): Promise<void>
}

/**
 * feature-store-svc on a bench database of its own (no Redis: the regime reads POST /query,
 * which never touches the cache), liquidity-svc reading it, and the bare Fastify baseline.
 * Each runs as its own process, as in production; `stop` undoes everything in reverse order.
 */
export async function startLiquidityStack(env: NodeJS.ProcessEnv): Promise<LiquidityStack> {
  const stack = await startChildStack(env)
  try {
    const liquidity = await stack.start('liquidity-svc', 'liquidity-svc/src/server.ts', (port) => ({ ...stack.base, FEATURE_STORE_URL: stack.store.url, LIQUIDITY_HOST: '127.0.0.1', LIQUIDITY_PORT: String(port) }))
    const bare = await stack.start('bare-fastify', BARE_SERVER, (port) => ({ PATH: env.PATH, HOME: env.HOME, BARE_PORT: String(port) }))
    return { storeUrl: stack.store.url, liquidityUrl: liquidity.url, bareUrl: bare.url, token: stack.token('oracle.reader oracle.publisher'), stop: stack.stop }
  } catch (error) {
    await stack.stop()
    throw error
  }
}
