import type { Database } from '@lav/values-db'

/** The bytes of the export's objects in S3, in PostgreSQL (table export_storage). */
export interface S3Total {
  /** What an exported window added. */
  add(bytes: number): Promise<void>
  /** What a listing of the bucket found. */
  set(bytes: number): Promise<void>
  /** Null until first measured or added to. */
  read(): Promise<number | null>
}

export function createS3Total(sql: Database): S3Total {
  return {
    async add(bytes) {
      await sql`
        insert into export_storage (layer, bytes) values ('s3', ${bytes})
        on conflict (layer) do update set bytes = export_storage.bytes + excluded.bytes, updated_at = now()`
    },
    async set(bytes) {
      await sql`
        insert into export_storage (layer, bytes) values ('s3', ${bytes})
        on conflict (layer) do update set bytes = excluded.bytes, updated_at = now()`
    },
    async read() {
      const [row] = await sql<{ bytes: string }[]>`select bytes::text as bytes from export_storage where layer = 's3'`
      return row ? Number(row.bytes) : null
    },
  }
}
