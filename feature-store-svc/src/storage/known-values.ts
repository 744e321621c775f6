import type { Database } from '@lav/values-db'

/**
 * What a read selects from: features_values for a current read, or the versions the store knew
 * at `asOf` (epoch ms), shaped like features_values (the columns the reads use), named `alias`.
 *
 * A current version is known from coalesce(known_at, ingested_at); a replaced one over its
 * [known_from, known_until) in features_revisions (migration 006). At most one version of a
 * point matches an instant, so no DISTINCT is needed, and the feature and ts predicates of the
 * outer query reach into both branches: each still reads its (feature_id, ts) index, and the
 * values branch still prunes its day partitions.
 *
 * Tagged fragments, never sql.unsafe: postgres.js prepares a statement only when all of its text
 * is tagged, and planning a query over ~90 day partitions anew costs more than running it.
 */
export function knownValues(sql: Database, asOf: number | null, alias = 'features_values') {
  if (asOf === null) return alias === 'features_values' ? sql`features_values` : sql`features_values as ${sql(alias)}`
  const at = new Date(asOf)
  return sql`(
    select feature_id, ts, value, confidence, meta, evidence, ingested_at
    from features_values where coalesce(known_at, ingested_at) <= ${at}
    union all
    select feature_id, ts, value, confidence, meta, evidence, ingested_at
    from features_revisions where known_from <= ${at} and known_until > ${at}
  ) as ${sql(alias)}`
}

/**
 * The same versions as SQL text for a query built with sql.unsafe (the aggregates, whose bucket
 * expressions come from closed tables), the instant being the parameter `param` ("$5").
 */
export function knownValuesText(param: string): string {
  return `(
    select feature_id, ts, value, confidence, meta, evidence, ingested_at from features_values
    where coalesce(known_at, ingested_at) <= ${param}::timestamptz
    union all
    select feature_id, ts, value, confidence, meta, evidence, ingested_at from features_revisions
    where known_from <= ${param}::timestamptz and known_until > ${param}::timestamptz
  ) as features_values`
}
