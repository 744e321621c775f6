import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/** A database of its own for one bench run, so nothing the bench writes touches real data. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `lav_bench_${randomBytes(4).toString('hex')}`
  await withAdmin(adminUrl, (sql) => sql`create database ${sql(name)}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    // `with (force)` ends sessions a crashed child may have left open.
    drop: () => withAdmin(adminUrl, (sql) => sql`drop database if exists ${sql(name)} with (force)`),
  }
}

async function withAdmin(adminUrl: string, run: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await run(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
