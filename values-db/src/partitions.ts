import { DAY_MS } from '@lav/shared/time'
import type { Database } from './database'

const NO_PARTITION_FOR_ROW = '23514'

/**
 * Partitions created per statement. Each creation holds a handful of locks until its transaction
 * ends, in a lock table the whole PostgreSQL server shares: hundreds at once could exhaust it.
 */
const PARTITIONS_PER_STATEMENT = 50

export interface PartitionManager {
  /** Makes sure a partition exists for each UTC day of the given instants (ms). */
  ensureForInstants(instants: Iterable<number>): Promise<void>
  /** Partitions from today to `daysAhead` days ahead. */
  ensureAhead(daysAhead: number, now?: number): Promise<number>
  forget(): void
}

export function isMissingPartitionError(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === NO_PARTITION_FOR_ROW
}

export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
}

/** Remembers the days it has seen, so a publish into known days costs no round trip. */
export function createPartitionManager(sql: Database): PartitionManager {
  const known = new Set<string>()
  const ensureDays = async (days: string[]): Promise<number> => {
    const missing = [...new Set(days)].filter((day) => !known.has(day)).sort()
    if (missing.length === 0) return 0
    let created = 0
    for (let from = 0; from < missing.length; from += PARTITIONS_PER_STATEMENT) {
      const chunk = missing.slice(from, from + PARTITIONS_PER_STATEMENT)
      const rows = await sql<{ created: boolean }[]>`
        select ensure_features_values_partition(day) as created from unnest(${sql.array(chunk)}::date[]) as day`
      for (const day of chunk) known.add(day)
      created += rows.filter((row) => row.created).length
    }
    return created
  }
  return {
    async ensureForInstants(instants) {
      const dayNumbers = new Set<number>()
      for (const ms of instants) dayNumbers.add(Math.floor(ms / DAY_MS))
      await ensureDays([...dayNumbers].map((day) => utcDay(day * DAY_MS)))
    },
    ensureAhead(daysAhead, now = Date.now()) {
      const days = Array.from({ length: daysAhead + 1 }, (_, i) => utcDay(now + i * DAY_MS))
      return ensureDays(days)
    },
    forget() {
      known.clear()
    },
  }
}
