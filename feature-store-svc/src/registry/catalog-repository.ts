import { isDeepStrictEqual } from 'node:util'
import type { FeatureSpec, FeatureSpecInput } from '@lav/shared/contracts'
import { FeatureSpecInputSchema } from '@lav/shared/contracts'
import type { Database } from '@lav/values-db'

export type UpsertOutcome = 'created' | 'changed' | 'unchanged'

export interface CatalogFilter {
  entity?: string
  frequency?: string
  tags?: string[]
}

export interface CatalogRepository {
  list(filter?: CatalogFilter): Promise<FeatureSpec[]>
  get(id: string): Promise<FeatureSpec | undefined>
  upsert(input: FeatureSpecInput): Promise<{ spec: FeatureSpec; outcome: UpsertOutcome }>
  /**
   * A seed file entry: created when missing; applied (a new version) only when the file changed
   * it since the last start, so changes made through the API survive restarts.
   */
  seed(input: FeatureSpecInput): Promise<UpsertOutcome>
  deactivate(id: string): Promise<FeatureSpec | undefined>
}

type SpecBody = Omit<FeatureSpec, 'version'>

function toSpec(row: { spec: SpecBody; version: number }): FeatureSpec {
  return { ...row.spec, version: row.version }
}

export function createCatalogRepository(sql: Database): CatalogRepository {
  const write = async (tx: Database, body: SpecBody, version: number) => {
    await tx`
      insert into features_catalog (id, entity, frequency, unit, ttl_ms, tags, active, version, spec)
      values (${body.id}, ${body.entity}, ${body.frequency}, ${body.unit}, ${body.ttl_ms}, ${sql.array(body.tags)},
              ${body.active}, ${version}, ${sql.json(body as never)})
      on conflict (id) do update set
        entity = excluded.entity, frequency = excluded.frequency, unit = excluded.unit, ttl_ms = excluded.ttl_ms,
        tags = excluded.tags, active = excluded.active, version = excluded.version, spec = excluded.spec, updated_at = now()`
    await tx`insert into features_catalog_history (id, version, spec) values (${body.id}, ${version}, ${sql.json(body as never)})`
    return { ...body, version }
  }

  // Row lock on the current spec: two admins changing one feature get consecutive versions.
  const changeSpec = (id: string, change: (current: SpecBody | undefined) => SpecBody | undefined) =>
    sql.begin(async (tx) => {
      const [row] = await tx<{ spec: SpecBody; version: number }[]>`select spec, version from features_catalog where id = ${id} for update`
      const next = change(row?.spec)
      if (!next) return { spec: row ? toSpec(row) : undefined, outcome: 'unchanged' as UpsertOutcome }
      if (row && isDeepStrictEqual(next, row.spec)) return { spec: toSpec(row), outcome: 'unchanged' as UpsertOutcome }
      const spec = await write(tx as unknown as Database, next, row ? row.version + 1 : 1)
      return { spec, outcome: (row ? 'changed' : 'created') as UpsertOutcome }
    })

  const seed = (body: SpecBody) =>
    sql.begin(async (tx): Promise<UpsertOutcome> => {
      const [row] = await tx<{ spec: SpecBody; version: number; seeded_spec: SpecBody | null }[]>`
        select spec, version, seeded_spec from features_catalog where id = ${body.id} for update`
      const remember = () => tx`update features_catalog set seeded_spec = ${sql.json(body as never)} where id = ${body.id}`
      if (!row) {
        await write(tx as unknown as Database, body, 1)
        await remember()
        return 'created'
      }
      if (row.seeded_spec && isDeepStrictEqual(row.seeded_spec, body)) return 'unchanged'
      // The file changed this entry: it applies, over an API change. A row seeded before the file
      // was remembered (or created through the API) keeps what it has, and the file is remembered.
      const apply = row.seeded_spec !== null && !isDeepStrictEqual(row.spec, body)
      if (apply) await write(tx as unknown as Database, body, row.version + 1)
      await remember()
      return apply ? 'changed' : 'unchanged'
    })

  return {
    async list(filter = {}) {
      const rows = await sql<{ spec: SpecBody; version: number }[]>`
        select spec, version from features_catalog
        where (${filter.entity ?? null}::text is null or entity = ${filter.entity ?? null})
          and (${filter.frequency ?? null}::text is null or frequency = ${filter.frequency ?? null})
          and tags @> ${sql.array(filter.tags ?? [])}::text[]
        order by id`
      return rows.map(toSpec)
    },
    async get(id) {
      const [row] = await sql<{ spec: SpecBody; version: number }[]>`select spec, version from features_catalog where id = ${id}`
      return row ? toSpec(row) : undefined
    },
    async upsert(input) {
      const body = normalise(input)
      const result = await changeSpec(body.id, () => body)
      return result as { spec: FeatureSpec; outcome: UpsertOutcome }
    },
    seed: (input) => seed(normalise(input)),
    async deactivate(id) {
      const result = await changeSpec(id, (current) => (current ? { ...current, active: false } : undefined))
      return result.spec
    },
  }
}

/** Parsing through the schema fills defaults and drops nothing a client sent, so equality is fair. */
function normalise(input: FeatureSpecInput): SpecBody {
  return JSON.parse(JSON.stringify(FeatureSpecInputSchema.parse(input))) as SpecBody
}
