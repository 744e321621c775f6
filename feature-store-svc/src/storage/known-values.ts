import type { Database } from '@lav/values-db'

/**
 * The versions the store knew at `asOf` (epoch ms), shaped like features_values (the columns the
 * reads use), as SQL text named `alias`.
 *
 * A current version is known from coalesce(known_at, ingested_at); a replaced one over its
 * [known_from, known_until) in features_revisions (migration 006). At most one version of a
 * point matches an instant, so no DISTINCT is needed, and the feature and ts predicates of the
 * outer query reach into both branches: each still reads its (feature_id, ts) index, and the
 * values branch still prunes its day partitions. The instant is inlined as a literal: it is
 * formatted here from a number, never taken from input text.
 */
export function knownValuesText(asOf: number, alias = 'features_values'): string {
  const instant = `'${new Date(asOf).toISOString()}'::timestamptz`
  return `(
    select feature_id, ts, value, confidence, meta, evidence, ingested_at
    from features_values where coalesce(known_at, ingested_at) <= ${instant}
    union all
    select feature_id, ts, value, confidence, meta, evidence, ingested_at
    from features_revisions where known_from <= ${instant} and known_until > ${instant}
  ) as ${alias}`
}

/** What a read selects from: features_values now, or the versions known at `asOf`. */
export function knownValues(sql: Database, asOf: number | null, alias = 'features_values') {
  if (asOf === null) return sql.unsafe(alias === 'features_values' ? 'features_values' : `features_values as ${alias}`)
  if (!Number.isFinite(asOf)) throw new Error(`asOf must be a finite epoch ms, got ${asOf}`)
  return sql.unsafe(knownValuesText(asOf, alias))
}
