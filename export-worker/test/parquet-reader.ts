import { zstdDecompressSync } from 'node:zlib'
import { parquetReadObjects } from 'hyparquet'

/** A row as PostgreSQL holds it and as the Parquet files must give it back. */
export interface ComparableRow {
  feature_id: string
  ts: number
  value: number
  confidence: number
  ingested_at: number
  /** When the version became known: coalesce(known_at, ingested_at) in PostgreSQL. */
  known_at: number
  meta: unknown
  evidence: unknown
}

/** hyparquet with Node's own zstd: a reader that shares no code with parquet-wasm. */
export async function decodeParquet(bytes: Uint8Array): Promise<ComparableRow[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const rows = await parquetReadObjects({ file, compressors: { ZSTD: (input) => new Uint8Array(zstdDecompressSync(input)) } })
  return rows.map((row) => ({
    feature_id: row.feature_id as string,
    ts: (row.ts as Date).getTime(),
    value: row.value as number,
    confidence: row.confidence as number,
    ingested_at: (row.ingested_at as Date).getTime(),
    known_at: (row.known_at as Date).getTime(),
    meta: row.meta === null ? null : JSON.parse(row.meta as string),
    evidence: row.evidence === null ? null : JSON.parse(row.evidence as string),
  }))
}

