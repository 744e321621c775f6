import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LAV_DATA_DIR ?? '.data')
}

/**
 * JWT_SECRET from the environment, else the one the launcher generated and kept in the data
 * folder, so tokens survive a restart and `npm run token` signs with the same key.
 */
export function resolveJwtSecret(env: NodeJS.ProcessEnv = process.env, create = true): string | undefined {
  if (env.JWT_SECRET) return env.JWT_SECRET
  const file = join(dataDir(env), 'jwt-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  if (!create) return undefined
  mkdirSync(dataDir(env), { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
