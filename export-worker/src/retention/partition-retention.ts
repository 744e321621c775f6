import { DAY_MS } from '@lav/shared/time'
import { utcDay, type Database } from '@lav/values-db'

const PARTITION_NAME = /^features_values_p(\d{4})(\d{2})(\d{2})$/
const LOCK_NOT_AVAILABLE = '55P03'

export interface PartitionRetentionResult {
  dropped: string[]
  /** Old enough, but holding rows the watermark has not passed yet. */
  keptUnexported: string[]
  /** Old enough, but the table stayed busy past the lock timeout; the next run tries again. */
  keptBusy: string[]
}

/**
 * Drops the day partitions of features_values older than `retentionDays`, each only when every
 * ingested_at in it is below the export watermark: data not yet in S3 is never dropped.
 */
export async function dropExpiredPartitions(sql: Database, options: { retentionDays: number; now: number; lockTimeoutMs?: number }): Promise<PartitionRetentionResult> {
  const cutoffDay = utcDay(options.now - options.retentionDays * DAY_MS)
  const result: PartitionRetentionResult = { dropped: [], keptUnexported: [], keptBusy: [] }
  for (const name of await partitionsBefore(sql, cutoffDay)) {
    try {
      const outcome = await dropIfExported(sql, name, options.lockTimeoutMs ?? 2_000)
      result[outcome === 'dropped' ? 'dropped' : 'keptUnexported'].push(name)
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error
      result.keptBusy.push(name)
    }
  }
  return result
}

/** '2025-01-31T00:00:00Z' for features_values_p20250131. */
function partitionDay(partition: string): string {
  const [, year, month, date] = PARTITION_NAME.exec(partition) as RegExpExecArray
  return `${year}-${month}-${date}T00:00:00Z`
}

async function partitionsBefore(sql: Database, cutoffDay: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'features_values'::regclass order by c.relname`
  return rows
    .map((row) => row.name)
    .filter((name) => {
      const match = PARTITION_NAME.exec(name)
      return match !== null && `${match[1]}-${match[2]}-${match[3]}` < cutoffDay
    })
}

/**
 * One short transaction per partition. The parent is locked first (ONLY: not every partition)
 * because dropping a partition needs ACCESS EXCLUSIVE on the parent anyway; taking it up front
 * means no publish can revise a row of this day between our check and the drop, and lock order
 * matches the writers' (parent, then partition), so there is no deadlock. The lock timeout keeps
 * queries from queueing long behind us when a long read holds the table.
 */
async function dropIfExported(sql: Database, partition: string, lockTimeoutMs: number): Promise<'dropped' | 'unexported'> {
  return sql.begin(async (tx) => {
    await tx`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`
    await tx`lock table only features_values in access exclusive mode`
    const [row] = await tx<{ exported: boolean }[]>`
      select coalesce(
        (select max(ingested_at) from ${tx(partition)}) < (select watermark from export_watermarks where stream = 'features_values'),
        not exists (select 1 from ${tx(partition)})
      ) as exported`
    if (!row?.exported) return 'unexported'
    await tx`drop table ${tx(partition)}`
    // The day's replaced versions go with it: each was ingested before the version that
    // replaced it, so below the watermark too (they are in S3).
    const day = partitionDay(partition)
    await tx`delete from features_revisions where ts >= ${day}::timestamptz and ts < ${day}::timestamptz + interval '1 day'`
    return 'dropped'
  })
}
