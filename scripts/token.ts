import { parseArgs } from 'node:util'
import { AuthConfigSchema, createTokenSigner, loadConfig, toAuthConfig } from '@lav/shared'
import { resolveJwtSecret } from './lib/dev-secret'

const USAGE = 'usage: npm run token -- --sub NAME --scope "oracle.reader [oracle.publisher oracle.admin]" [--ttl 1h]'

function main(): void {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string', default: '1h' }, help: { type: 'boolean' } },
  })
  if (values.help || !values.sub || !values.scope) {
    console.error(USAGE)
    process.exit(values.help ? 0 : 2)
  }
  const secret = resolveJwtSecret(process.env, false)
  if (!secret && !process.env.JWT_PRIVATE_KEY) {
    throw new Error('no signing key: set JWT_SECRET (or JWT_PRIVATE_KEY), or run `npm start` once so it keeps a dev secret in .data/')
  }
  const env = { ...process.env, JWT_SECRET: secret }
  const auth = toAuthConfig(loadConfig(AuthConfigSchema, env))
  console.log(createTokenSigner(auth)({ sub: values.sub, scope: values.scope, ttl: values.ttl }))
}

try {
  main()
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
