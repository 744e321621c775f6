import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, type Database } from '@lav/values-db'
import { migrate, MIGRATIONS_DIR } from '@lav/values-db/migrate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/database'
import { loadExportWorkerConfig } from '../src/config'
import { openRuntime, VALUES_SCHEMA_VERSION } from '../src/runtime'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
let database: TestDatabase
let sql: Database
let olderDir: string

/** The database as a feature-store-svc of migrations 001–003 left it. */
async function migrateUpTo(version: number): Promise<void> {
  olderDir = mkdtempSync(join(tmpdir(), 'lav-migrations-'))
  for (const name of readdirSync(MIGRATIONS_DIR).filter((file) => Number.parseInt(file, 10) <= version)) copyFileSync(join(MIGRATIONS_DIR, name), join(olderDir, name))
  await migrate(sql, `${olderDir}/`)
}

const open = () => openRuntime(loadExportWorkerConfig({ DATABASE_URL: database.url }))
const appliedNames = async () => (await sql<{ name: string }[]>`select name from schema_migrations order by name`).map((row) => row.name)

beforeAll(async () => {
  database = await createTestDatabase()
  sql = createDatabase(database.url, 2)
})
afterAll(async () => {
  await sql.end({ timeout: 5 })
  await database.drop()
  if (olderDir) rmSync(olderDir, { recursive: true, force: true })
})

describe('the worker checks the values schema instead of migrating it', () => {
  it('needs a version that values-db/migrations holds', () => {
    expect(readdirSync(MIGRATIONS_DIR).map((file) => Number.parseInt(file, 10))).toContain(VALUES_SCHEMA_VERSION)
  })

  it('refuses a database that was never migrated, and creates nothing in it', async () => {
    await expect(open()).rejects.toThrow(
      'export-worker needs the values schema at version 6 (values-db/migrations/006_revisions.sql); this database is at version 0 (never migrated). ' +
        'feature-store-svc applies the migrations when it starts',
    )
    const [table] = await sql`select to_regclass('schema_migrations') as name`
    expect(table?.name).toBeNull()
  })

  it('refuses an older schema: the server exits 1 naming the version it needs and how to migrate', async () => {
    await migrateUpTo(3)
    await expect(open()).rejects.toMatchObject({ code: 'SCHEMA_TOO_OLD', needed: VALUES_SCHEMA_VERSION, found: 3 })
    const child = spawn(process.execPath, ['--import', 'tsx', 'export-worker/src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, EXPORT_WORKER_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(1)
    expect(stderr).toContain('export-worker needs the values schema at version 6 (values-db/migrations/006_revisions.sql); this database is at version 3.')
    expect(stderr).toContain('start it against the same DATABASE_URL (npm start and docker compose start it first), then start export-worker again')
    expect(await appliedNames()).toEqual(['001_catalog.sql', '002_values.sql', '003_export.sql'])
  })

  it('opens once feature-store-svc has migrated the database', async () => {
    await migrate(sql)
    const runtime = await open()
    await runtime.close()
    expect((await appliedNames()).at(-1)).toBe(readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort().at(-1))
  })
})
