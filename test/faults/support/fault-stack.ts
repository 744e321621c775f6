import { randomBytes } from 'node:crypto'
import { createTokenSigner } from '@lav/shared'
import { startServiceProcess, type ServiceProcess } from '../../../scripts/lib/service-process'
import { httpOk, waitFor } from '../../../scripts/lib/wait'
import { startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server'
import { freePort, startRedisServer, type RedisServerHandle } from '../../support/redis-server'

/** A service running as its own process on a fixed port, which a fault may kill and start again. */
export interface ServiceHandle {
  name: string
  url: string
  pid(): number | undefined
  /** SIGKILL: no graceful shutdown, open connections cut. */
  kill(): Promise<void>
  /** Starts it again on the same port; resolves once `/healthz` answers. */
  start(): Promise<void>
  stop(): Promise<void>
}

function service(name: string, entry: string, port: number, env: NodeJS.ProcessEnv): ServiceHandle {
  let running: ServiceProcess | undefined
  const url = `http://127.0.0.1:${port}`
  const start = async () => {
    const child = startServiceProcess(name, entry, { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'fatal', ...env })
    running = child
    const died = new Promise<never>((_, reject) => child.child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`))))
    died.catch(() => {})
    await Promise.race([waitFor(() => httpOk(`${url}/healthz`), 90_000, `${name} /healthz`), died])
  }
  return {
    name,
    url,
    pid: () => running?.child.pid,
    start,
    kill: async () => {
      const child = running?.child
      if (!child || child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
    stop: async () => {
      await running?.stop()
    },
  }
}

export interface FaultStack {
  pg: PostgresServerHandle
  redis: RedisServerHandle
  store: ServiceHandle
  gateway: ServiceHandle
  liquidity?: ServiceHandle
  /** A token for reader and publisher, signed with the stack's secret. */
  token: string
  stop(): Promise<void>
}

export interface FaultStackOptions {
  /** Redis keeps its data across a restart (append-only file), as a production Redis does. */
  persistentRedis?: boolean
  liquidity?: boolean
  /** The gateway's breaker stays open this long before its probe (the default is 30 s). */
  breakerOpenMs?: number
  rateLimitPerMinute?: number
}

/**
 * PostgreSQL and Redis of their own (a fault may crash them without touching the machine's), with
 * feature-store-svc, the gateway and optionally liquidity-svc as separate processes on top: the
 * deployment shape, so a killed service is a killed process and nothing else restarts with it.
 */
export async function startFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  const undo: Array<() => Promise<unknown>> = []
  const stop = async () => {
    for (const step of undo.reverse()) await step().catch(() => {})
  }
  try {
    const pg = await startPostgresServer()
    undo.push(pg.remove)
    const redis = await startRedisServer({ persistent: options.persistentRedis ?? false })
    undo.push(redis.stop)
    const secret = randomBytes(32).toString('hex')
    const [storePort, gatewayPort, liquidityPort] = [await freePort(), await freePort(), await freePort()]
    const store = service('feature-store-svc', 'feature-store-svc/src/server.ts', storePort, {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      FEATURE_STORE_HOST: '127.0.0.1',
      FEATURE_STORE_PORT: String(storePort),
      JWT_SECRET: secret,
    })
    await store.start()
    undo.push(store.stop)
    let liquidity: ServiceHandle | undefined
    if (options.liquidity) {
      liquidity = service('liquidity-svc', 'liquidity-svc/src/server.ts', liquidityPort, {
        LIQUIDITY_HOST: '127.0.0.1',
        LIQUIDITY_PORT: String(liquidityPort),
        FEATURE_STORE_URL: store.url,
        LIQUIDITY_CACHE_TTL_SECONDS: '1',
        JWT_SECRET: secret,
      })
      await liquidity.start()
      undo.push(liquidity.stop)
    }
    const gateway = service('gateway', 'gateway/src/server.ts', gatewayPort, {
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      FEATURE_STORE_URL: store.url,
      LIQUIDITY_URL: liquidity?.url ?? 'http://127.0.0.1:9',
      REDIS_URL: redis.url,
      FEATURE_API_RATE_LIMIT_RPM: String(options.rateLimitPerMinute ?? 1_000_000),
      GATEWAY_BREAKER_OPEN_MS: String(options.breakerOpenMs ?? 1_000),
      JWT_SECRET: secret,
    })
    await gateway.start()
    undo.push(gateway.stop)
    const token = createTokenSigner({ algorithm: 'HS256', secret, issuer: 'lav-oracle', audience: 'lav-api' })({
      sub: 'faults',
      scope: 'oracle.reader oracle.publisher',
      ttl: '1h',
    })
    return { pg, redis, store, gateway, liquidity, token, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
