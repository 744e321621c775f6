import type postgres from 'postgres'
import { chunk } from './dataset'

/**
 * Drops the daily partitions of days before `cutoffMs`, as the export worker's retention does
 * (PostgreSQL keeps FEATURE_STORE_RETENTION_DAYS, default 90; older days live in Parquet).
 * 50 tables per statement keeps each transaction far below max_locks_per_transaction.
 */
export async function dropPartitionsBefore(sql: postgres.Sql, cutoffMs: number): Promise<number> {
  const cutoffName = `features_values_p${new Date(cutoffMs).toISOString().slice(0, 10).replaceAll('-', '')}`
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'features_values'::regclass and c.relname < ${cutoffName}
    order by c.relname`
  for (const group of chunk(rows.map((r) => r.name), 50)) await sql`drop table ${sql(group)}`
  return rows.length
}
