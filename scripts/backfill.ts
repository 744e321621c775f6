import { parseArgs } from 'node:util'
import { createTokenSigner, toAuthConfig, AuthConfigSchema, loadConfig } from '@lav/shared'
import { resolveJwtSecret } from './lib/dev-secret'
import { runDemoBackfill } from './lib/demo-backfill'

const USAGE = 'usage: npm run backfill -- --days N [--url http://127.0.0.1:8081]   (the feature store must be running)'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { days: { type: 'string' }, url: { type: 'string' }, quiet: { type: 'boolean' } } })
  const days = Number(values.days)
  if (!values.days || !Number.isFinite(days) || days <= 0) {
    console.error(USAGE)
    process.exit(2)
  }
  const baseUrl = values.url ?? process.env.FEATURE_STORE_URL ?? `http://127.0.0.1:${process.env.FEATURE_STORE_PORT ?? 8081}`
  const auth = toAuthConfig(loadConfig(AuthConfigSchema, { ...process.env, JWT_SECRET: resolveJwtSecret(process.env, false) }))
  const token = createTokenSigner(auth)({ sub: 'backfill', scope: 'oracle.publisher', ttl: '2h' })
  const totals = await runDemoBackfill({ baseUrl, token, days, log: values.quiet ? undefined : console.log })
  console.log(`backfilled ${totals.features} features: ${totals.points} points, ${totals.accepted} accepted, ${totals.rejected} rejected`)
  if (totals.rejected > 0) process.exitCode = 1
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
