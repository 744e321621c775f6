import postgres, { type Sql } from 'postgres'

export type Database = Sql

/**
 * One pool per process; every session in UTC so day boundaries never depend on the server.
 * Generic plans always: planning a 90-day read over 91 day partitions costs more than running
 * it, and the prepared statements' generic plans prune partitions at execution time instead.
 * (They do lock every partition per execution: keep max_locks_per_transaction above about three
 * times the partition count times the pool size, see README.)
 * No JIT: these queries are short or stream, and compiling them with LLVM cost more than it saved
 * (700 ms of a 1,000,000-row export window, where PostgreSQL builds JIT in).
 * extra_float_digits 1 (the default since PostgreSQL 12, pinned against a server set to 0): float8
 * text is the shortest exact form, which the query path pastes into JSON as it is.
 */
export function createDatabase(url: string, max = 10, applicationName = 'feature-store-svc'): Database {
  return postgres(url, {
    max,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { TimeZone: 'UTC', application_name: applicationName, plan_cache_mode: 'force_generic_plan', jit: 'off', extra_float_digits: 1 },
    types: { bigint: postgres.BigInt },
  })
}
