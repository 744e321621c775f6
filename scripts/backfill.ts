import { parseArgs } from 'node:util'
import { createTokenSigner, toAuthConfig, AuthConfigSchema, loadConfig } from '@lav/shared'
import { DAY_MS } from '@lav/shared/time'
import { loadSourcesConfig, runSourceBackfill, SOURCE_NAMES, type SourceName } from '@lav/feature-store-svc/ingest'
import { resolveJwtSecret } from './lib/dev-secret'
import { runDemoBackfill } from './lib/demo-backfill'

const USAGE = [
  'usage: npm run backfill -- --days N [--url http://127.0.0.1:8081]                 (mock history)',
  `       npm run backfill -- --source NAME --since YYYY-MM-DD [--until YYYY-MM-DD] [--url …]   (a real source: ${SOURCE_NAMES.join(', ')})`,
  'the feature store must be running',
].join('\n')

function usage(problem?: string): never {
  if (problem) console.error(problem)
  console.error(USAGE)
  process.exit(2)
}

function dayArgument(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN
  return Number.isNaN(ms) ? usage(`--${name} must be a YYYY-MM-DD date, got "${text}"`) : ms
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { days: { type: 'string' }, source: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, url: { type: 'string' }, quiet: { type: 'boolean' } },
  })
  const baseUrl = values.url ?? process.env.FEATURE_STORE_URL ?? `http://127.0.0.1:${process.env.FEATURE_STORE_PORT ?? 8081}`
  const auth = toAuthConfig(loadConfig(AuthConfigSchema, { ...process.env, JWT_SECRET: resolveJwtSecret(process.env, false) }))
  const token = createTokenSigner(auth)({ sub: 'backfill', scope: 'oracle.publisher', ttl: '2h' })
  const log = values.quiet ? undefined : console.log
  let totals
  if (values.source !== undefined) {
    if (!(SOURCE_NAMES as readonly string[]).includes(values.source)) usage(`unknown --source "${values.source}"`)
    const since = dayArgument('since', values.since) ?? usage('--source needs --since YYYY-MM-DD')
    const untilDay = dayArgument('until', values.until)
    // --until names a whole day: up to its last instant (and never past now).
    const until = Math.min(untilDay === undefined ? Date.now() : untilDay + DAY_MS - 1, Date.now())
    const sources = loadSourcesConfig(process.env)
    totals = await runSourceBackfill({ baseUrl, token, source: values.source as SourceName, since, until, sources, log })
  } else {
    const days = Number(values.days)
    if (!values.days || !Number.isFinite(days) || days <= 0) usage()
    totals = await runDemoBackfill({ baseUrl, token, days, log })
  }
  console.log(`backfilled ${totals.features} features: ${totals.points} points, ${totals.accepted} accepted, ${totals.rejected} rejected`)
  if (totals.rejected > 0) process.exitCode = 1
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
