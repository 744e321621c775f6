import type postgres from 'postgres'

/**
 * A cheap fingerprint of everything a write route can change: value rows (count and a hash of
 * every column a write sets), the revisions kept, and the catalog. Equal before and after a 4xx
 * means the refused request wrote nothing.
 */
export async function storeFingerprint(sql: postgres.Sql): Promise<string> {
  const [row] = await sql<{ fingerprint: string }[]>`
    select concat_ws(':',
      (select count(*) from features_values),
      (select coalesce(sum(hashtext(concat_ws('|', feature_id, ts, value, confidence, meta, evidence, ingested_at))::bigint), 0) from features_values),
      (select count(*) from features_revisions),
      (select count(*) from features_catalog),
      (select coalesce(sum(hashtext(concat_ws('|', id, version, active, spec))::bigint), 0) from features_catalog)
    ) as fingerprint`
  return row?.fingerprint ?? ''
}

/** The database's clock: rows a publish writes get an `ingested_at` after it. */
export async function databaseNow(sql: postgres.Sql): Promise<Date> {
  const [row] = await sql<{ now: Date }[]>`select clock_timestamp() as now`
  return row?.now as Date
}

interface PublishAnswer {
  accepted: number
  rejected: number
  errors: { index: number }[]
}

/**
 * What an accepted publish must have done, and only that: the counts add up to the batch, no more
 * rows changed than were accepted, only accepted features changed, and every accepted point is
 * in the table with its value. Returns what is wrong, or null.
 */
export async function checkPublishWrote(sql: postgres.Sql, sentBody: string, answer: PublishAnswer, since: Date): Promise<string | null> {
  const points = JSON.parse(sentBody) as { featureId: string; value: number }[]
  if (answer.accepted + answer.rejected !== points.length || answer.errors.length !== answer.rejected) {
    return `accepted ${answer.accepted} + rejected ${answer.rejected} (errors ${answer.errors.length}) ≠ ${points.length} points sent`
  }
  const refused = new Set(answer.errors.map((error) => error.index))
  const accepted = points.filter((_, index) => !refused.has(index))
  const changed = await sql<{ feature_id: string }[]>`select feature_id from features_values where ingested_at >= ${since}`
  if (changed.length > answer.accepted) return `${changed.length} rows changed for ${answer.accepted} accepted points`
  const acceptedIds = new Set(accepted.map((point) => point.featureId))
  const stray = changed.find((row) => !acceptedIds.has(row.feature_id))
  if (stray) return `a row of ${stray.feature_id} changed, which no accepted point names`
  for (const point of accepted) {
    const [found] = await sql<{ n: number }[]>`select count(*)::int as n from features_values where feature_id = ${point.featureId} and value = ${point.value}`
    if (!found?.n) return `accepted point ${point.featureId} = ${point.value} is not in the table`
  }
  return null
}
