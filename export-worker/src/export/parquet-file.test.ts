import { describe, expect, it } from 'vitest'
import { decodeParquet } from '../../test/parquet-reader'
import { createParquetFileBuilder } from './parquet-file'
import type { ExportRow } from './window-rows'

const FEATURE = 'cex/agg/spot_depth_2pct_usd'
const row = (i: number, extra: { meta?: string | null; evidence?: string | null } = {}): ExportRow => [
  FEATURE,
  // Some instants before 1970: negative int64s test the two 32-bit halves of toInt64.
  (i % 2 === 0 ? Date.UTC(2025, 9, 20) : Date.UTC(1960, 0, 1)) + i * 60_000,
  i === 0 ? -0 : i * 1.5e9 + 0.125,
  (i % 10) / 10,
  Date.UTC(2025, 9, 21) + i,
  Date.UTC(2025, 9, 20, 12) + i,
  extra.meta ?? null,
  extra.evidence ?? null,
]

describe('a Parquet file from rows in memory', () => {
  it('holds every row with its types, nulls and UTF-8 text, past the initial capacity', async () => {
    const builder = createParquetFileBuilder(FEATURE, 4)
    const rows = Array.from({ length: 3_000 }, (_, i) => row(i, i % 3 === 0 ? { meta: JSON.stringify({ venue: 'ñandú', i }), evidence: '[{"source":"kaiko"}]' } : {}))
    for (const r of rows) builder.push(r)
    expect(builder.rows).toBe(3_000)
    const decoded = await decodeParquet(builder.encode())
    expect(decoded).toEqual(
      rows.map(([featureId, ts, value, confidence, ingestedAt, knownAt, meta, evidence]) => ({
        feature_id: featureId,
        ts,
        value,
        confidence,
        ingested_at: ingestedAt,
        known_at: knownAt,
        meta: meta === null ? null : JSON.parse(meta),
        evidence: evidence === null ? null : JSON.parse(evidence),
      })),
    )
  })

  it('gives the same bytes for the same rows', () => {
    const encode = () => {
      const builder = createParquetFileBuilder('a/b')
      for (let i = 0; i < 100; i++) builder.push(row(i, { meta: '{"k":1}' }))
      return Buffer.from(builder.encode()).toString('base64')
    }
    expect(encode()).toBe(encode())
  })
})
