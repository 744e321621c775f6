import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table as ArrowTable, tableToIPC, TimestampMillisecond, Utf8, type Data } from 'apache-arrow'
// The package's "node" export condition loads the Node build (wasm read synchronously, no init call).
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from 'parquet-wasm'
import type { RowGroup } from './row-group'
import type { ExportRow } from './window-rows'

/**
 * The schema every engine reads: instants as timestamp(ms, UTC) — Parquet TIMESTAMP(MILLIS,
 * isAdjustedToUTC) — JSON as nullable strings. Fixed, so every file of every window has one shape.
 */
export const EXPORT_SCHEMA = new Schema([
  new Field('feature_id', new Utf8(), false),
  new Field('ts', new TimestampMillisecond('UTC'), false),
  new Field('value', new Float64(), false),
  new Field('confidence', new Float64(), false),
  new Field('ingested_at', new TimestampMillisecond('UTC'), false),
  // When this version became known (the source's instant, else ingested_at), rounded up to the
  // millisecond: an as-of read takes, per (feature_id, ts), the row with the greatest known_at
  // not after its instant, and gets the store's answer.
  new Field('known_at', new TimestampMillisecond('UTC'), false),
  new Field('meta', new Utf8(), true),
  new Field('evidence', new Utf8(), true),
])

/** Rows of one (feature, day) group in columns, ready to become one Parquet file. */
export interface ParquetFileBuilder {
  readonly featureId: string
  readonly rows: number
  push(row: ExportRow): void
  /** Rows from..to (exclusive) of a group of this builder's feature. */
  pushRange(group: RowGroup, from: number, to: number): void
  /** The file's bytes; the same rows always give the same bytes (no clock, no random ids). */
  encode(): Uint8Array
}

export function createParquetFileBuilder(featureId: string, initialCapacity = 1024): ParquetFileBuilder {
  let capacity = initialCapacity
  let length = 0
  let ts = new Float64Array(capacity)
  let ingested = new Float64Array(capacity)
  let known = new Float64Array(capacity)
  let value = new Float64Array(capacity)
  let confidence = new Float64Array(capacity)
  const meta: (string | null)[] = []
  const evidence: (string | null)[] = []

  const grow = (needed: number) => {
    while (capacity < needed) capacity *= 2
    ts = resized(ts, capacity)
    ingested = resized(ingested, capacity)
    known = resized(known, capacity)
    value = resized(value, capacity)
    confidence = resized(confidence, capacity)
  }

  return {
    featureId,
    get rows() {
      return length
    },
    push([, tsMs, rowValue, rowConfidence, ingestedMs, knownMs, rowMeta, rowEvidence]) {
      if (length === capacity) grow(length + 1)
      ts[length] = tsMs
      value[length] = rowValue
      confidence[length] = rowConfidence
      ingested[length] = ingestedMs
      known[length] = knownMs
      meta.push(rowMeta)
      evidence.push(rowEvidence)
      length++
    },
    pushRange(group, from, to) {
      const count = to - from
      if (length + count > capacity) grow(length + count)
      ts.set(group.tsMs.subarray(from, to), length)
      value.set(group.value.subarray(from, to), length)
      confidence.set(group.confidence.subarray(from, to), length)
      ingested.set(group.ingestedMs.subarray(from, to), length)
      known.set(group.knownMs.subarray(from, to), length)
      for (let i = from; i < to; i++) {
        meta.push(group.meta?.[i] ?? null)
        evidence.push(group.evidence?.[i] ?? null)
      }
      length += count
    },
    encode() {
      const children = [
        constantUtf8(featureId, length),
        makeData({ type: EXPORT_SCHEMA.fields[1]!.type, length, data: toInt64(ts, length) }),
        makeData({ type: new Float64(), length, data: value.subarray(0, length) }),
        makeData({ type: new Float64(), length, data: confidence.subarray(0, length) }),
        makeData({ type: EXPORT_SCHEMA.fields[4]!.type, length, data: toInt64(ingested, length) }),
        makeData({ type: EXPORT_SCHEMA.fields[5]!.type, length, data: toInt64(known, length) }),
        nullableUtf8(meta),
        nullableUtf8(evidence),
      ]
      const batch = new RecordBatch(EXPORT_SCHEMA, makeData({ type: new Struct(EXPORT_SCHEMA.fields), length, nullCount: 0, children }))
      return encodeParquet(new ArrowTable([batch]))
    },
  }
}

/** Arrow → Arrow IPC → parquet-wasm's table → Parquet with ZSTD, one row group per file. */
export function encodeParquet(table: ArrowTable): Uint8Array {
  // Both the wasm table and the properties are consumed by writeParquet: built per call.
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setMaxRowGroupSize(Math.max(table.numRows, 1)).build()
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties)
}

function resized(array: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(capacity)
  next.set(array)
  return next
}

/**
 * Whole ms (below 2^53) as int64, written as two 32-bit halves: BigInt64Array would need one
 * BigInt allocation per value. Little-endian, as Arrow and every platform Node runs on.
 */
function toInt64(values: Float64Array, length: number): BigInt64Array {
  const out = new BigInt64Array(length)
  const halves = new Int32Array(out.buffer)
  for (let i = 0; i < length; i++) {
    const v = values[i]!
    const high = Math.floor(v / 4_294_967_296)
    halves[2 * i] = v - high * 4_294_967_296
    halves[2 * i + 1] = high
  }
  return out
}

/** The feature id repeated: one buffer fill instead of encoding the same string per row. */
function constantUtf8(text: string, length: number): Data<Utf8> {
  const bytes = Buffer.byteLength(text)
  const valueOffsets = new Int32Array(length + 1)
  for (let i = 1; i <= length; i++) valueOffsets[i] = i * bytes
  const data = length === 0 ? new Uint8Array(0) : new Uint8Array(Buffer.alloc(bytes * length, text))
  return makeData({ type: new Utf8(), length, nullCount: 0, valueOffsets, data })
}

function nullableUtf8(values: readonly (string | null)[]): Data<Utf8> {
  const length = values.length
  const valueOffsets = new Int32Array(length + 1)
  const validity = new Uint8Array((length + 7) >> 3)
  let total = 0
  let nulls = 0
  for (let i = 0; i < length; i++) {
    const text = values[i]
    if (text === null || text === undefined) nulls++
    else total += Buffer.byteLength(text)
    valueOffsets[i + 1] = total
  }
  const data = Buffer.alloc(total)
  for (let i = 0; i < length; i++) {
    const text = values[i]
    if (text === null || text === undefined) continue
    data.write(text, valueOffsets[i]!)
    validity[i >> 3]! |= 1 << (i & 7)
  }
  return makeData({ type: new Utf8(), length, nullCount: nulls, nullBitmap: validity, valueOffsets, data: new Uint8Array(data.buffer, data.byteOffset, data.length) })
}
