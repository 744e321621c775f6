import { readdir } from 'node:fs/promises'
import type { Database } from './database'
import { MIGRATIONS_DIR } from './migrate'

/** A migration's version is the number its file name starts with: `005_export_storage.sql` is 5. */
const versionOf = (name: string): number => Number.parseInt(name, 10)

export class SchemaTooOldError extends Error {
  readonly code = 'SCHEMA_TOO_OLD'
  constructor(
    message: string,
    readonly needed: number,
    readonly found: number,
  ) {
    super(message)
    this.name = 'SchemaTooOldError'
  }
}

/** The version of the newest migration applied to this database; 0 when it was never migrated. */
export async function schemaVersion(sql: Database): Promise<number> {
  const [table] = await sql<{ exists: boolean }[]>`select to_regclass('schema_migrations') is not null as exists`
  if (!table?.exists) return 0
  const [newest] = await sql<{ name: string | null }[]>`select max(name) as name from schema_migrations`
  return newest?.name ? versionOf(newest.name) : 0
}

/**
 * For a process that reads the schema but does not own it: resolves when the database is at
 * `needed` or newer, else throws a SchemaTooOldError saying how to migrate it. Migrating here
 * instead would let a reader's older copy of migrations/ race the owner's.
 */
export async function requireSchemaVersion(sql: Database, needed: number, reader: string): Promise<number> {
  const found = await schemaVersion(sql)
  if (found >= needed) return found
  const file = (await readdir(MIGRATIONS_DIR)).find((name) => versionOf(name) === needed) ?? `${String(needed).padStart(3, '0')}_*.sql`
  throw new SchemaTooOldError(
    `${reader} needs the values schema at version ${needed} (values-db/migrations/${file}); this database is at version ${found}` +
      `${found === 0 ? ' (never migrated)' : ''}. feature-store-svc applies the migrations when it starts: start it against the same ` +
      `DATABASE_URL (npm start and docker compose start it first), then start ${reader} again.`,
    needed,
    found,
  )
}
