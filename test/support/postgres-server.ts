import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { freePort } from './redis-server'

const run = promisify(execFile)

/** Debian's PostgreSQL binaries (the newest version installed); PG_BIN points elsewhere. */
export const PG_BIN = process.env.PG_BIN ?? debianPostgresBin()

// runuser lives in /usr/sbin, which a shell's PATH may lack (a clean environment's did).
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((path) => existsSync(path)) ?? 'runuser'

function debianPostgresBin(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : []
  return join(root, versions[0] ?? '15', 'bin')
}

export interface PostgresServerHandle {
  /** The `postgres` database as superuser, trust authentication, TCP on 127.0.0.1 only. */
  url: string
  port: number
  /** Crashes it: `pg_ctl stop -m immediate` (no checkpoint, sessions cut; recovery replays the WAL). */
  crash(): Promise<void>
  /** Starts it again on the same port and data directory; resolves once it accepts queries. */
  start(): Promise<void>
  /** Stops it (fast) and removes its data directory. */
  remove(): Promise<void>
}

export function postgresBinariesPresent(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'))
}

/**
 * A PostgreSQL cluster of its own (initdb on a temporary directory, its own port), which a test
 * may crash and restart without touching the machine's server. initdb refuses root, so as root the
 * cluster belongs to and runs as the `postgres` user.
 */
export async function startPostgresServer(): Promise<PostgresServerHandle> {
  if (!postgresBinariesPresent()) throw new Error(`initdb/pg_ctl not found in ${PG_BIN}: install postgresql or set PG_BIN`)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'lav-pgcrash-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const pgRun = (binary: string, args: string[]) =>
    asRoot ? run(RUNUSER, ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]) : run(join(PG_BIN, binary), args)
  const data = join(dir, 'data')
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=60 -c shared_buffers=32MB`
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const start = async () => {
    await pgRun('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options])
    await untilQueries(url)
  }
  await start()
  return {
    url,
    port,
    start,
    crash: async () => {
      await pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
    },
    remove: async () => {
      await pgRun('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** After a crash, `pg_ctl -w` returns while recovery may still refuse sessions for a moment. */
async function untilQueries(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 })
    try {
      await sql`select 1`
      return
    } catch (error) {
      if (attempt >= 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    } finally {
      await sql.end({ timeout: 1 })
    }
  }
}
