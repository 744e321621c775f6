import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTokenSigner } from '@lav/shared'
import postgres from 'postgres'
import { fuzzRoute, type RouteReport } from '../test/fuzz/fuzz-runner'
import { formatReports } from '../test/fuzz/fuzz-report'
import { routeFuzzers, type OpenApiDocument } from '../test/fuzz/route-cases'
import { defaultDictionary } from '../test/fuzz/schema-arbitrary'
import { createBenchDatabase, DEFAULT_DATABASE_URL } from './support/database'
import { startChild } from './support/child-stack'
import { DEFAULT_REDIS_URL, openBenchRedis } from './support/redis-db'
import { row, runWhenMain, writeJson, type Row } from './support/report'
import { buildUndoable } from './support/undo'

const RESULTS_PATH = fileURLToPath(new URL('./results/fuzz.json', import.meta.url))

interface FuzzStack {
  gatewayUrl: string
  token: string
  sql: postgres.Sql
  stop(): Promise<void>
}

/** feature-store-svc and liquidity-svc behind the gateway, each its own process, on a bench database and Redis db. */
function startFuzzStack(env: NodeJS.ProcessEnv): Promise<FuzzStack> {
  return buildUndoable(async (undo) => {
    const database = await createBenchDatabase(env.DATABASE_URL ?? DEFAULT_DATABASE_URL)
    undo(database.drop)
    const redis = await openBenchRedis(env.REDIS_URL ?? DEFAULT_REDIS_URL, Number(env.BENCH_REDIS_DB ?? 5))
    undo(() => redis.flush().then(redis.close))
    await redis.flush()
    const secret = randomBytes(32).toString('hex')
    const base = { PATH: env.PATH, HOME: env.HOME, JWT_SECRET: secret, LOG_LEVEL: 'fatal', REDIS_URL: redis.url }
    const store = await startChild('feature-store-svc', 'feature-store-svc/src/server.ts', (port) => ({ ...base, DATABASE_URL: database.url, FEATURE_STORE_HOST: '127.0.0.1', FEATURE_STORE_PORT: String(port) }))
    undo(store.stop)
    const liquidity = await startChild('liquidity-svc', 'liquidity-svc/src/server.ts', (port) => ({ ...base, FEATURE_STORE_URL: store.url, LIQUIDITY_HOST: '127.0.0.1', LIQUIDITY_PORT: String(port) }))
    undo(liquidity.stop)
    const gatewayEnv = (port: number) => ({ ...base, FEATURE_STORE_URL: store.url, LIQUIDITY_URL: liquidity.url, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), FEATURE_API_RATE_LIMIT_RPM: String(1_000_000_000) })
    const gateway = await startChild('gateway', 'gateway/src/server.ts', gatewayEnv)
    undo(gateway.stop)
    const sql = postgres(database.url, { max: 2, onnotice: () => {} })
    undo(() => sql.end({ timeout: 5 }))
    const token = createTokenSigner({ algorithm: 'HS256', secret, issuer: 'lav-oracle', audience: 'lav-api' })({ sub: 'fuzz-bench', scope: 'oracle.reader oracle.publisher oracle.admin', ttl: '6h' })
    return { gatewayUrl: gateway.url, token, sql }
  })
}

/** A point an hour ago and a day ago for every feature, inside its range, so reads find data. */
async function seed(stack: FuzzStack): Promise<void> {
  const specs = await stack.sql<{ id: string; spec: { quality?: { expected_range?: [number, number] } } }[]>`select id, spec from features_catalog`
  const hour = Math.floor(Date.now() / 3_600_000)
  const points = specs.flatMap(({ id, spec }) => {
    const [low, high] = spec.quality?.expected_range ?? [0, 1]
    return [1, 25].map((hours) => ({ featureId: id, ts: new Date((hour - hours) * 3_600_000).toISOString(), value: (low + high) / 2 }))
  })
  const answer = await fetch(`${stack.gatewayUrl}/api/features/v1/publish`, { method: 'POST', headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' }, body: JSON.stringify(points) })
  if (!answer.ok) throw new Error(`seeding answered ${answer.status}`)
}

/**
 * The schema fuzzer of test/fuzz.int.test.ts at bench scale: FUZZ_CASES (10,000) cases per route
 * of the merged OpenAPI document, plus a 10 MB body each, through the gateway to the real
 * services as separate processes. Rows: 5xx, 4xx without a message and partial writes (all
 * must be 0) per route; the table with 2xx/4xx and time is printed and written to results/fuzz.json.
 */
export async function runFuzzBench(env: NodeJS.ProcessEnv = process.env): Promise<Row[]> {
  const cases = Number(env.FUZZ_CASES ?? 10_000)
  const seedValue = Number(env.FUZZ_SEED ?? 14)
  const stack = await startFuzzStack(env)
  try {
    await seed(stack)
    const document = (await (await fetch(`${stack.gatewayUrl}/docs/json`)).json()) as OpenApiDocument
    if (document.info.description?.includes('Not reachable')) throw new Error(`the merged document is incomplete: ${document.info.description}`)
    const ids = (await stack.sql<{ id: string }[]>`select id from features_catalog order by id`).map((r) => r.id)
    const reports: RouteReport[] = []
    for (const [index, fuzzer] of routeFuzzers(document, defaultDictionary(ids)).entries()) {
      const report = await fuzzRoute({ gatewayUrl: stack.gatewayUrl, token: stack.token, sql: stack.sql }, fuzzer, cases, seedValue + index * 1_000_000)
      console.log(`fuzz: ${report.route}: ${report.cases} cases, ${report.server5xx} × 5xx, ${report.partialWrites} partial writes, ${(report.ms / 1000).toFixed(1)} s`)
      reports.push(report)
    }
    console.log(`\n${formatReports(reports)}`)
    writeJson(RESULTS_PATH, { startedAt: new Date().toISOString(), casesPerRoute: cases, seed: seedValue, reports })
    return reports.flatMap((r) => [
      row(`fuzz ${r.route}: 5xx of ${r.cases.toLocaleString('en-US')} cases (${r.ok2xx} 2xx, ${r.client4xx} 4xx, ${(r.ms / 1000).toFixed(0)} s)`, 'answers', r.server5xx, r.cases, { kind: 'max-result', value: 1 }),
      row(`fuzz ${r.route}: 4xx without a message + partial writes`, 'cases', r.noMessage + r.partialWrites, r.cases, { kind: 'max-result', value: 1 }),
    ])
  } finally {
    await stack.stop()
  }
}

runWhenMain(import.meta.url, runFuzzBench)
