import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Database } from './database'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))
// Any constant shared by every replica: concurrent starts apply migrations one at a time.
const MIGRATION_LOCK = 73_021_001

export interface MigrationResult {
  applied: string[]
}

/** Applies the SQL files of migrations/ in name order, each once, each in its own transaction. */
export async function migrate(sql: Database, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort()
  const applied: string[] = []
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`
    await tx`
      create table if not exists schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`
    const done = new Map((await tx<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`).map((row) => [row.name, row.checksum]))
    for (const name of files) {
      const text = await readFile(`${dir}${name}`, 'utf8')
      const checksum = createHash('sha256').update(text).digest('hex')
      const previous = done.get(name)
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${name} changed after it was applied: add a new migration instead`)
        continue
      }
      await tx.unsafe(text)
      await tx`insert into schema_migrations (name, checksum) values (${name}, ${checksum})`
      applied.push(name)
    }
  })
  return { applied }
}
