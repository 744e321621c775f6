import type { Database } from '@lav/values-db'

const STREAM = 'features_values'
// A constant every replica shares (the migration lock of feature-store-svc is 73_021_001).
const EXPORT_LOCK = 73_021_002

export interface WatermarkStore {
  /** Every row with ingested_at below this instant (ms) is in S3; null before the first cycle. */
  read(): Promise<number | null>
  /** Records the first watermark; a no-op when one exists. */
  initialise(at: number): Promise<void>
  /**
   * Moves the watermark from `from` to `to`, failing when it is not at `from`: belt and braces
   * behind the advisory lock, so a second exporter can never move it twice or backwards.
   */
  advance(from: number, to: number): Promise<void>
}

export function createWatermarkStore(sql: Database): WatermarkStore {
  return {
    async read() {
      const [row] = await sql<{ watermark: Date }[]>`select watermark from export_watermarks where stream = ${STREAM}`
      return row ? row.watermark.getTime() : null
    },
    async initialise(at) {
      await sql`insert into export_watermarks (stream, watermark) values (${STREAM}, ${new Date(at)}) on conflict (stream) do nothing`
    },
    async advance(from, to) {
      const result = await sql`
        update export_watermarks set watermark = ${new Date(to)}, updated_at = now()
        where stream = ${STREAM} and watermark = ${new Date(from)}`
      if (result.count !== 1) throw new Error(`the export watermark is no longer at ${new Date(from).toISOString()}: another exporter moved it`)
    },
  }
}

export type LockMode = 'skip' | 'wait'
export type Locked<T> = { acquired: true; value: T } | { acquired: false }

/**
 * Runs `fn` holding the exporters' session advisory lock on a connection of its own: two cycles
 * (two replicas, or the CLI beside the worker) never export at once. `skip` gives up at once
 * when another holds it (the next cron tick catches up); `wait` queues behind it. A crashed holder
 * loses its connection, and PostgreSQL releases the lock with it.
 */
export async function withExportLock<T>(sql: Database, mode: LockMode, fn: () => Promise<T>): Promise<Locked<T>> {
  const connection = await sql.reserve()
  try {
    if (mode === 'wait') {
      await connection`select pg_advisory_lock(${EXPORT_LOCK})`
    } else {
      const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${EXPORT_LOCK}) as locked`
      if (!row?.locked) return { acquired: false }
    }
    try {
      return { acquired: true, value: await fn() }
    } finally {
      // A failed unlock must not hide fn's outcome. The connection is then broken (the lock died
      // with it) or, at worst, idle in the pool until idle_timeout closes it and frees the lock.
      await connection`select pg_advisory_unlock(${EXPORT_LOCK})`.catch(() => {})
    }
  } finally {
    connection.release()
  }
}
