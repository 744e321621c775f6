import postgres from 'postgres'
import { inject } from 'vitest'

let counter = 0

export interface TestDatabase {
  url: string
  /** An outage of this database alone: its sessions are ended and new ones refused, until `false`. */
  refuseConnections(refuse: boolean): Promise<void>
  drop(): Promise<void>
}

/** A fresh, empty database of its own for one test file, dropped when the run ends. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('databaseAdminUrl')
  const name = `lav_test_${inject('testRunId')}_${process.pid}_${counter++}`
  const asAdmin = async (run: (sql: postgres.Sql) => Promise<unknown>) => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
    try {
      await run(sql)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  await asAdmin((sql) => sql`create database ${sql(name)}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    refuseConnections: (refuse) =>
      asAdmin(async (sql) => {
        await sql`alter database ${sql(name)} with allow_connections ${sql.unsafe(refuse ? 'false' : 'true')}`
        if (refuse) await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`
      }),
    drop: () => asAdmin((sql) => sql`drop database if exists ${sql(name)} with (force)`),
  }
}
