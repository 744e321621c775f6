import postgres from 'postgres'
import { inject } from 'vitest'

let counter = 0

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/** A fresh, empty database of its own for one test file, dropped when the run ends. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('databaseAdminUrl')
  const name = `lav_test_${inject('testRunId')}_${process.pid}_${counter++}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin`create database ${admin(name)}`
  await admin.end({ timeout: 5 })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
      await sql`drop database if exists ${sql(name)} with (force)`
      await sql.end({ timeout: 5 })
    },
  }
}
