import postgres, { type Sql } from 'postgres'

export type Database = Sql

/** One pool per process; every session in UTC so day boundaries never depend on the server. */
export function createDatabase(url: string, max = 10, applicationName = 'feature-store-svc'): Database {
  return postgres(url, {
    max,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { TimeZone: 'UTC', application_name: applicationName },
    types: { bigint: postgres.BigInt },
  })
}
