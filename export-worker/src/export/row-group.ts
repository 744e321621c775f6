/** The rows of one feature and one UTC day of ts within a window, in columns, ascending by ts. */
export interface RowGroup {
  featureId: string
  rows: number
  tsMs: Float64Array
  value: Float64Array
  confidence: Float64Array
  ingestedMs: Float64Array
  /** When each row's version became known: what an as-of read of the files selects on. */
  knownMs: Float64Array
  /** Null when no row of the group has one. */
  meta: (string | null)[] | null
  evidence: (string | null)[] | null
}

/** A group as windowGroups' query returns it: numbers and instants packed 8 bytes each, big-endian. */
export type GroupRow = { feature_id: string; rows: number; ts: Buffer; value: Buffer; confidence: Buffer; ingested_at: Buffer; known_at: Buffer; meta: string | null; evidence: string | null }

// JSON texts of a group joined by U+001E: PostgreSQL's JSON output escapes every control
// character, so it never occurs inside one, and '' (never valid JSON) stands for SQL NULL.
export const RECORD_SEPARATOR = '\u001e'
const jsonTexts = (joined: string | null): (string | null)[] | null => (joined === null ? null : joined.split(RECORD_SEPARATOR).map((text) => text || null))

// timestamptz_send counts µs from 2000-01-01 UTC.
const PG_EPOCH_MS = 946_684_800_000

/** The group's bytea columns as typed arrays; instants truncated to whole ms, the files' precision. */
export function toGroup(row: GroupRow): RowGroup {
  const group: RowGroup = {
    featureId: row.feature_id,
    rows: row.rows,
    tsMs: instantsMs(row.ts, row.rows),
    value: doubles(row.value, row.rows),
    confidence: doubles(row.confidence, row.rows),
    ingestedMs: instantsMs(row.ingested_at, row.rows),
    // Rounded up: PostgreSQL keeps µs, an as-of instant has ms, and a version known at 1.5 ms is
    // not known at 1 ms. With ceil, "known_at ≤ T" on the files is exactly the store's test.
    knownMs: instantsMs(row.known_at, row.rows, Math.ceil),
    meta: jsonTexts(row.meta),
    evidence: jsonTexts(row.evidence),
  }
  return isAscending(group) ? group : sortedByTs(group)
}

function doubles(bytes: Buffer, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8)
  return out
}

function instantsMs(bytes: Buffer, count: number, round: (ms: number) => number = Math.floor): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float64Array(count)
  // µs since 2000 stay below 2^53 until the year 2285: the double arithmetic is exact.
  for (let i = 0; i < count; i++) out[i] = round((view.getInt32(i * 8) * 4_294_967_296 + view.getUint32(i * 8 + 4)) / 1000) + PG_EPOCH_MS
  return out
}

/** Ascending by ts, and by known instant among versions of one ts. */
function isAscending(group: RowGroup): boolean {
  const { tsMs, knownMs } = group
  for (let i = 1; i < group.rows; i++) if (tsMs[i - 1]! > tsMs[i]! || (tsMs[i - 1] === tsMs[i] && knownMs[i - 1]! > knownMs[i]!)) return false
  return true
}

function sortedByTs(group: RowGroup): RowGroup {
  const order = Array.from({ length: group.rows }, (_, i) => i).sort((a, b) => group.tsMs[a]! - group.tsMs[b]! || group.knownMs[a]! - group.knownMs[b]!)
  const pick = (column: Float64Array) => Float64Array.from(order, (i) => column[i]!)
  const pickText = (column: (string | null)[] | null) => column && order.map((i) => column[i] ?? null)
  return {
    ...group,
    tsMs: pick(group.tsMs),
    value: pick(group.value),
    confidence: pick(group.confidence),
    ingestedMs: pick(group.ingestedMs),
    knownMs: pick(group.knownMs),
    meta: pickText(group.meta),
    evidence: pickText(group.evidence),
  }
}
