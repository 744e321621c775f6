import { join, resolve } from 'node:path'
import postgres from 'postgres'
import { createTokenSigner, toAuthConfig, AuthConfigSchema, loadConfig } from '@lav/shared'
import { resolveJwtSecret } from './lib/dev-secret'
import { runDemoBackfill, startDemoFeed } from './lib/demo-backfill'
import { startEmbeddedPostgres } from './lib/embedded-postgres'
import { startEmbeddedRedis } from './lib/embedded-redis'
import { loadLauncherConfig, type LauncherConfig } from './lib/launcher-config'
import { EXPORT_WORKER_NODE_OPTIONS } from '@lav/export-worker/launch'
import { loadSourcesConfig, startShadowFeed } from '@lav/feature-store-svc/ingest'
import { startEmbeddedS3 } from './lib/embedded-s3'
import { assertPortsFree, type PortClaim } from './lib/ports'
import { launchService } from './lib/stack-services'

type Stop = { name: string; stop: () => Promise<void> }
const running: Stop[] = []
const log = (message: string) => console.log(`[launcher] ${message}`)
const shadowLog = {
  info: (details: Record<string, unknown>, message: string) => log(`${message} ${JSON.stringify(details)}`),
  warn: (details: Record<string, unknown>, message: string) => log(`WARN ${message} ${JSON.stringify(details)}`),
}

async function startStorage(config: LauncherConfig, dataDir: string) {
  let databaseUrl = config.DATABASE_URL
  if (!databaseUrl) {
    log(`starting embedded PostgreSQL on 127.0.0.1:${config.LAV_EMBEDDED_PG_PORT} (data in ${join(dataDir, 'postgres')})`)
    const pg = await startEmbeddedPostgres(join(dataDir, 'postgres'), config.LAV_EMBEDDED_PG_PORT)
    running.push({ name: 'postgres', stop: pg.stop })
    databaseUrl = pg.url
  }
  let redisUrl = config.REDIS_URL
  if (!redisUrl) {
    const redis = await startEmbeddedRedis(join(dataDir, 'redis'), config.LAV_EMBEDDED_REDIS_PORT)
    if (redis) {
      log(`started redis-server on 127.0.0.1:${config.LAV_EMBEDDED_REDIS_PORT} (data in ${join(dataDir, 'redis')})`)
      running.push({ name: 'redis', stop: redis.stop })
      redisUrl = redis.url
    } else {
      log('DEGRADED MODE: no REDIS_URL and no redis-server on PATH — no latest-value cache, rate limits in memory, the export on an in-process timer')
    }
  }
  let s3Env: Record<string, string> = {}
  if (!config.S3_ENDPOINT) {
    const s3 = await startEmbeddedS3(join(dataDir, 's3'), config.LAV_EMBEDDED_S3_PORT)
    log(`started an S3-compatible server (s3rver) on ${s3.endpoint} (objects in ${join(dataDir, 's3')})`)
    running.push({ name: 's3', stop: s3.stop })
    s3Env = s3.env
  }
  return { databaseUrl, redisUrl, s3Env }
}

function portsToClaim(config: LauncherConfig): PortClaim[] {
  const claims: PortClaim[] = [
    { port: config.GATEWAY_PORT, variable: 'GATEWAY_PORT' },
    { port: config.FEATURE_STORE_PORT, variable: 'FEATURE_STORE_PORT' },
    { port: config.LIQUIDITY_PORT, variable: 'LIQUIDITY_PORT' },
    { port: config.EXPORT_WORKER_PORT, variable: 'EXPORT_WORKER_PORT' },
  ]
  if (!config.DATABASE_URL) claims.push({ port: config.LAV_EMBEDDED_PG_PORT, variable: 'LAV_EMBEDDED_PG_PORT' })
  if (!config.REDIS_URL) claims.push({ port: config.LAV_EMBEDDED_REDIS_PORT, variable: 'LAV_EMBEDDED_REDIS_PORT' })
  if (!config.S3_ENDPOINT) claims.push({ port: config.LAV_EMBEDDED_S3_PORT, variable: 'LAV_EMBEDDED_S3_PORT' })
  return claims
}

async function storeIsEmpty(databaseUrl: string): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ empty: boolean }[]>`select not exists (select 1 from features_values) as empty`
    return row?.empty ?? true
  } finally {
    await sql.end({ timeout: 5 })
  }
}

function printWelcome(gatewayUrl: string, token: string): void {
  const lines = [
    '',
    '  LAV stack is running',
    `  gateway (API)   ${gatewayUrl}`,
    `  dashboard       ${gatewayUrl}/dashboard/#token=${token}`,
    `  explorer        ${gatewayUrl}/dashboard/explorer.html#token=${token}`,
    `  API docs        ${gatewayUrl}/docs`,
    `  dev token       (oracle.reader oracle.publisher, 12 h)`,
    `  ${token}`,
    '',
    '  try:',
    `  curl -s -H "Authorization: Bearer ${token}" "${gatewayUrl}/api/liquidity/v1/regime/latest"`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ]
  console.log(lines.join('\n'))
}

async function main(): Promise<void> {
  const config = loadLauncherConfig(process.env)
  const sources = loadSourcesConfig(process.env)
  const dataDir = resolve(config.LAV_DATA_DIR)
  await assertPortsFree(portsToClaim(config))
  const secret = process.env.JWT_PUBLIC_KEY ? undefined : resolveJwtSecret({ ...process.env, LAV_DATA_DIR: dataDir })
  const { databaseUrl, redisUrl, s3Env } = await startStorage(config, dataDir)
  const storeUrl = `http://127.0.0.1:${config.FEATURE_STORE_PORT}`
  const env = {
    ...process.env,
    ...s3Env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: secret,
    LOG_LEVEL: config.LOG_LEVEL,
    FEATURE_STORE_PORT: String(config.FEATURE_STORE_PORT),
    FEATURE_STORE_URL: storeUrl,
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    LIQUIDITY_PORT: String(config.LIQUIDITY_PORT),
    LIQUIDITY_URL: `http://127.0.0.1:${config.LIQUIDITY_PORT}`,
    EXPORT_WORKER_PORT: String(config.EXPORT_WORKER_PORT),
  }
  const store = await launchService({ name: 'feature-store', entry: 'feature-store-svc/src/server.ts', port: config.FEATURE_STORE_PORT, readyPath: '/readyz' }, env)
  running.push(store)
  store.exited.catch((error) => void shutdown(error.message, 1))

  const signer = createTokenSigner(toAuthConfig(loadConfig(AuthConfigSchema, env)))
  let realFeatures: ReadonlySet<string> = new Set()
  if (sources.mode === 'shadow') {
    const shadow = await startShadowFeed({ baseUrl: storeUrl, tokenProvider: () => signer({ sub: 'shadow-feed', scope: 'oracle.publisher', ttl: '1h' }), sources, log: shadowLog })
    running.push({ name: 'shadow feed', stop: async () => shadow.stop() })
    realFeatures = new Set(shadow.features)
    log(`ORACLE_SOURCE_MODE=shadow: ${shadow.features.length} features from real sources on their cadence (npm run backfill -- --source NAME --since YYYY-MM-DD loads their history)`)
  }
  // Mock history would mix with real values in shadow mode, so it is only written in mock mode.
  if (config.LAV_DEMO && sources.mode === 'mock' && (await storeIsEmpty(databaseUrl))) {
    log(`store is empty: backfilling ${config.LAV_DEMO_DAYS} days of demo history (LAV_DEMO=false skips this)`)
    const totals = await runDemoBackfill({ baseUrl: storeUrl, token: signer({ sub: 'demo-backfill', scope: 'oracle.publisher', ttl: '1h' }), days: config.LAV_DEMO_DAYS })
    log(`backfilled ${totals.points} points for ${totals.features} features (${totals.rejected} rejected)`)
  }
  if (config.LAV_DEMO) {
    const feed = await startDemoFeed({ baseUrl: storeUrl, tokenProvider: () => signer({ sub: 'demo-feed', scope: 'oracle.publisher', ttl: '1h' }), speed: config.LAV_DEMO_SPEED, log, exclude: realFeatures })
    running.push({ name: 'demo feed', stop: async () => feed.stop() })
    const which = realFeatures.size > 0 ? ' for the features without a real source' : ''
    log(`demo feed: live mock points${which} on each feature's frequency${config.LAV_DEMO_SPEED > 1 ? `, ${config.LAV_DEMO_SPEED}× faster` : ''}`)
  }
  const liquidity = await launchService({ name: 'liquidity', entry: 'liquidity-svc/src/server.ts', port: config.LIQUIDITY_PORT, readyPath: '/readyz' }, env)
  running.push(liquidity)
  liquidity.exited.catch((error) => void shutdown(error.message, 1))
  const gateway = await launchService({ name: 'gateway', entry: 'gateway/src/server.ts', port: config.GATEWAY_PORT, readyPath: '/readyz' }, env)
  running.push(gateway)
  gateway.exited.catch((error) => void shutdown(error.message, 1))
  const exporter = await launchService(
    // Its own young-generation setting (NODE_OPTIONS below): command-line flags would override it.
    { name: 'export-worker', entry: 'export-worker/src/server.ts', port: config.EXPORT_WORKER_PORT, readyPath: '/readyz', nodeFlags: [] },
    { ...env, NODE_OPTIONS: [process.env.NODE_OPTIONS, EXPORT_WORKER_NODE_OPTIONS].filter(Boolean).join(' ') },
  )
  running.push(exporter)
  exporter.exited.catch((error) => void shutdown(error.message, 1))
  printWelcome(gateway.url, signer({ sub: 'dev', scope: 'oracle.reader oracle.publisher', ttl: '12h' }))
}

let stopping = false
async function shutdown(reason: string, code = 0): Promise<void> {
  if (stopping) return
  stopping = true
  log(`stopping (${reason})`)
  for (const part of running.reverse()) {
    await part.stop().catch((error) => console.error(`[launcher] stopping ${part.name} failed: ${String(error)}`))
  }
  log(code === 0 ? 'stopped: every service and storage server has exited' : 'stopped')
  process.exit(code)
}

// `on`, not `once`: Ctrl-C reaches the launcher twice (from the terminal and relayed by tsx), and a
// second signal without a listener would kill it before its children are stopped.
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
main().catch((error) => {
  // embedded-postgres rejects with no error object when PostgreSQL itself fails to start.
  const message = error instanceof Error ? error.message : error === undefined ? 'a storage server failed to start (no details given)' : String(error)
  console.error(`[launcher] ${message}`)
  void shutdown('start failed', 1)
})
