import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTokenSigner } from '@lav/shared'
import postgres from 'postgres'
import { startServiceProcess, type ServiceProcess } from '../../scripts/lib/service-process'
import { httpOk, waitFor } from '../../scripts/lib/wait'
import { freePort } from '../../test/support/redis-server'
import { createBenchDatabase, DEFAULT_DATABASE_URL, type BenchDatabase } from './database'
import { DEFAULT_REDIS_URL, openBenchRedis, type BenchRedis } from './redis-db'

export const API = '/api/features/v1'
const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url))
const BARE_PROXY = fileURLToPath(new URL('./bare-proxy.ts', import.meta.url))

export interface Stack {
  serviceUrl: string
  /** The gateway in front of the service (rate limit set out of reach, so it never answers 429). */
  gatewayUrl: string
  /** A minimal proxy (Fastify + undici, nothing else) in front of the service: the floor of a hop. */
  bareProxyUrl: string
  bareUrl: string
  /** Process ids of the bench, the service, the gateway, Redis and the bare servers, for CPU accounting. */
  pids: Record<'bench' | 'service' | 'gateway' | 'redis' | 'bare' | 'bareProxy', number | undefined>
  token: string
  /** The bench's own connection to the bench database, for the raw baseline and set-up. */
  sql: postgres.Sql
  stop(): Promise<void>
}

/** Everything the benches talk to, each piece undone by `stop` in reverse order. */
export async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const undo: Array<() => Promise<unknown>> = []
  // Memoised: a signal handler and a failing bench may both ask to stop, and the second caller
  // must wait for the same clean-up rather than race it.
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of [...undo].reverse()) await step().catch((error) => console.error(`bench clean-up: ${(error as Error).message}`))
    })())
  try {
    const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
    undo.push(database.drop)
    const redis = await openBenchRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL, Number(env.BENCH_REDIS_DB ?? 5))
    undo.push(() => redis.flush().then(redis.close))
    await redis.flush()
    const secret = randomBytes(32).toString('hex')
    const [service, bare] = await startChildren(database, redis, secret)
    undo.push(service.stop, bare.stop)
    const gateway = await startGateway(service.url, redis, secret)
    undo.push(gateway.stop)
    const bareProxy = await startBareProxy(service.url)
    undo.push(bareProxy.stop)
    const sql = postgres(database.url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC', application_name: 'bench' } })
    undo.push(() => sql.end({ timeout: 5 }))
    const token = createTokenSigner({ algorithm: 'HS256', secret, issuer: 'lav-oracle', audience: 'lav-api' })({
      sub: 'bench',
      scope: 'oracle.reader oracle.publisher',
      ttl: '1h',
    })
    const pids = { bench: process.pid, service: service.child.pid, gateway: gateway.child.pid, redis: redis.serverPid, bare: bare.child.pid, bareProxy: bareProxy.child.pid }
    return { serviceUrl: service.url, gatewayUrl: gateway.url, bareProxyUrl: bareProxy.url, bareUrl: bare.url, pids, token, sql, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

type Child = ServiceProcess & { url: string }

/** BENCH_CHILD_NODE_OPTIONS (e.g. `--cpu-prof`) reaches the measured processes, for profiling them. */
function childBaseEnv(): NodeJS.ProcessEnv {
  const nodeOptions = process.env.BENCH_CHILD_NODE_OPTIONS
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) }
}

async function startChildren(database: BenchDatabase, redis: BenchRedis, secret: string): Promise<[Child, Child]> {
  const [servicePort, barePort] = [await freePort(), await freePort()]
  // A minimal environment: FEATURE_STORE_* variables of the caller's shell must not change what is measured.
  const base = childBaseEnv()
  const service = startServiceProcess('feature-store-svc', 'feature-store-svc/src/server.ts', {
    ...base,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    FEATURE_STORE_HOST: '127.0.0.1',
    FEATURE_STORE_PORT: String(servicePort),
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
  })
  const bare = startServiceProcess('bare-fastify', BARE_SERVER, { ...base, BARE_PORT: String(barePort), REDIS_URL: redis.url })
  const children: [Child, Child] = [
    { ...service, url: `http://127.0.0.1:${servicePort}` },
    { ...bare, url: `http://127.0.0.1:${barePort}` },
  ]
  try {
    // The service migrates and seeds before it listens, so its first /readyz can take seconds.
    await Promise.all(children.map((child) => untilReady(child, '/readyz')))
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()))
    throw error
  }
  return children
}

async function startGateway(serviceUrl: string, redis: BenchRedis, secret: string): Promise<Child> {
  const port = await freePort()
  const gateway = startServiceProcess('gateway', 'gateway/src/server.ts', {
    ...childBaseEnv(),
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    FEATURE_STORE_URL: serviceUrl,
    REDIS_URL: redis.url,
    FEATURE_API_RATE_LIMIT_RPM: String(1_000_000_000),
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
  })
  // /healthz, not /readyz: readiness also asks liquidity-svc, which this bench does not run.
  return readyOrStopped({ ...gateway, url: `http://127.0.0.1:${port}` }, '/healthz')
}

async function startBareProxy(serviceUrl: string): Promise<Child> {
  const port = await freePort()
  const proxy = startServiceProcess('bare-proxy', BARE_PROXY, { ...childBaseEnv(), BARE_PORT: String(port), UPSTREAM_URL: serviceUrl })
  return readyOrStopped({ ...proxy, url: `http://127.0.0.1:${port}` }, '/readyz')
}

/** Resolves once `path` answers 2xx; rejects when the child dies first or never answers. */
function untilReady(child: Child, path: string): Promise<unknown> {
  return Promise.race([waitFor(() => httpOk(`${child.url}${path}`), 60_000, `${child.name} ${path}`), exited(child)])
}

/** The child once ready; a child that never gets ready is stopped and the start fails. */
async function readyOrStopped(child: Child, path: string): Promise<Child> {
  await untilReady(child, path).catch(async (error: unknown) => {
    await child.stop()
    throw error
  })
  return child
}

/** Rejects when the child dies before it is ready, so a bad start fails now, not after the timeout. */
function exited(child: Child): Promise<never> {
  return new Promise((_, reject) => {
    child.child.once('exit', (code, signal) => reject(new Error(`${child.name} exited (${signal ?? code}) before it was ready`)))
  })
}
