import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCatalogRepository } from '../src/registry/catalog-repository'
import { seedCatalog } from '../src/registry/catalog-seed'
import { migrate, MIGRATIONS_DIR } from '@lav/values-db/migrate'
import { CATALOG_PATH, WALCL, bearer, point, startStore, type StoreHarness } from './harness'

const API = '/api/features/v1'
const READ = bearer('oracle.reader')
const ADMIN = bearer('oracle.admin', 'admin')
let store: StoreHarness

const seedSize = (JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as unknown[]).length
const newSpec = {
  id: 'test/desk/custom_spread_bps',
  entity: 'market',
  description: 'A spread the desk computes',
  unit: 'bps',
  frequency: '1h',
  ttl_ms: 7_200_000,
  tags: ['desk', 'spread'],
  source: { id: 'desk-calc', class: 'derived', schema: 'spread.v1' },
  quality: { expected_range: [-500, 500] },
}

beforeAll(async () => {
  store = await startStore()
})
afterAll(async () => {
  await store.close()
})

const get = (url: string, headers = READ) => store.app.inject({ method: 'GET', url: `${API}${url}`, headers })

describe('catalog', () => {
  it('is seeded from registry/features.catalog.json at start, each at version 1', async () => {
    const specs = (await get('/catalog')).json()
    expect(specs).toHaveLength(seedSize)
    expect(specs.length).toBeGreaterThanOrEqual(20)
    expect(specs.every((s: { version: number; active: boolean }) => s.version === 1 && s.active)).toBe(true)
  })

  it('filters by entity, frequency and tags (all must match)', async () => {
    const hourly = (await get('/catalog?frequency=1h')).json()
    expect(hourly.length).toBeGreaterThan(0)
    expect(hourly.every((s: { frequency: string }) => s.frequency === '1h')).toBe(true)
    const gl = (await get('/catalog?tags=liquidity,gl')).json()
    expect(gl.map((s: { id: string }) => s.id).sort()).toEqual(['macro/us/rrp_total_usd', 'macro/us/tga_balance_usd', WALCL])
    const macro = (await get('/catalog?entity=macro&tags=liquidity')).json()
    expect(macro.every((s: { entity: string }) => s.entity === 'macro')).toBe(true)
    expect((await get('/catalog?frequency=2h')).statusCode).toBe(400)
  })

  it('reads one spec by URL-encoded id; an unknown or SQL-looking id is a 404', async () => {
    const spec = (await get(`/catalog/${encodeURIComponent(WALCL)}`)).json()
    expect(spec).toMatchObject({ id: WALCL, unit: 'USD', frequency: '1w', ttl_ms: 8 * 86_400_000, quality: { expected_range: [4e12, 1e13] } })
    for (const id of ['macro/none', "x' or '1'='1", '1; drop table features_catalog', '%00', '\u0000', `${WALCL}\u0000`]) {
      const response = await get(`/catalog/${encodeURIComponent(id)}`)
      expect(response.statusCode).toBe(404)
      expect(response.json().code).toBe('FEATURE_NOT_FOUND')
    }
    const latest = await store.app.inject({ method: 'GET', url: `${API}/latest`, query: { featureId: "'; select pg_sleep(5); --" }, headers: READ })
    expect(latest.statusCode).toBe(404)
    const deleted = await store.app.inject({ method: 'DELETE', url: `${API}/catalog/${encodeURIComponent(`${WALCL}\u0000`)}`, headers: ADMIN })
    expect(deleted.statusCode).toBe(404)
    const tags = await get(`/catalog?tags=${encodeURIComponent('macro,\u0000')}`)
    expect(tags.statusCode).toBe(400)
    expect(tags.json().issues[0].message).toContain('U+0000')
  })

  it('POST creates (201), changes with version + 1 and history (200), and leaves an identical spec alone (200)', async () => {
    const post = (payload: object) => store.app.inject({ method: 'POST', url: `${API}/catalog`, headers: ADMIN, payload })
    const created = await post(newSpec)
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ ...newSpec, version: 1, active: true })
    const changed = await post({ ...newSpec, ttl_ms: 3_600_000 })
    expect(changed.statusCode).toBe(200)
    expect(changed.json()).toMatchObject({ ttl_ms: 3_600_000, version: 2 })
    const same = await post({ ...newSpec, ttl_ms: 3_600_000 })
    expect(same.statusCode).toBe(200)
    expect(same.json().version).toBe(2)
    const history = await store.sql`select version, spec->>'ttl_ms' as ttl from features_catalog_history where id = ${newSpec.id} order by version`
    expect(history.map((row) => [row.version, Number(row.ttl)])).toEqual([[1, 7_200_000], [2, 3_600_000]])
  })

  it('POST rejects an invalid spec with 400 and changes nothing', async () => {
    const post = (payload: object) => store.app.inject({ method: 'POST', url: `${API}/catalog`, headers: ADMIN, payload })
    for (const bad of [
      { ...newSpec, id: 'No Spaces/Allowed' },
      { ...newSpec, frequency: '2h' },
      { ...newSpec, extra: 1 },
      { ...newSpec, quality: { expected_range: [5, 1] } },
      { ...newSpec, description: 'nul \u0000 inside' },
      { ...newSpec, tags: ['half \udc00 pair'] },
    ]) {
      const response = await post(bad)
      expect(response.statusCode).toBe(400)
      expect(response.json().code).toBe('VALIDATION_FAILED')
    }
    expect((await get(`/catalog/${encodeURIComponent(newSpec.id)}`)).json().version).toBe(2)
  })

  it('DELETE deactivates; publishing to an inactive feature is rejected', async () => {
    const deleted = await store.app.inject({ method: 'DELETE', url: `${API}/catalog/${encodeURIComponent(newSpec.id)}`, headers: ADMIN })
    expect(deleted.statusCode).toBe(200)
    expect(deleted.json()).toMatchObject({ active: false, version: 3 })
    const published = await store.app.inject({
      method: 'POST',
      url: `${API}/publish`,
      headers: bearer('oracle.publisher'),
      payload: [point(newSpec.id, '2025-10-01T00:00:00Z', 10)],
    })
    expect(published.json()).toMatchObject({ accepted: 0, errors: [{ reason: 'inactive_feature' }] })
    const missing = await store.app.inject({ method: 'DELETE', url: `${API}/catalog/${encodeURIComponent('x/none')}`, headers: ADMIN })
    expect(missing.statusCode).toBe(404)
  })

  it('changes made through the API survive a restart; an entry the seed file changed is applied once', async () => {
    const reseed = (path = CATALOG_PATH) => seedCatalog(createCatalogRepository(store.sql), path)
    const spec = async (id: string) => (await get(`/catalog/${encodeURIComponent(id)}`)).json()
    const [vix, dxy] = ['macro/us/vix_index', 'macro/us/dxy_index']
    const before = { vix: await spec(vix), dxy: await spec(dxy) }
    const { version: _version, ...vixBody } = before.vix
    expect((await store.app.inject({ method: 'POST', url: `${API}/catalog`, headers: ADMIN, payload: { ...vixBody, ttl_ms: vixBody.ttl_ms * 2 } })).statusCode).toBe(200)
    expect((await store.app.inject({ method: 'DELETE', url: `${API}/catalog/${encodeURIComponent(dxy)}`, headers: ADMIN })).statusCode).toBe(200)

    expect(await reseed()).toEqual({ created: 0, changed: 0, unchanged: seedSize })
    expect(await spec(vix)).toMatchObject({ ttl_ms: before.vix.ttl_ms * 2, version: before.vix.version + 1 })
    expect(await spec(dxy)).toMatchObject({ active: false, version: before.dxy.version + 1 })

    const dir = mkdtempSync(join(tmpdir(), 'lav-seed-'))
    try {
      const edited = (JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as { id: string; description: string }[]).map((entry) =>
        entry.id === vix ? { ...entry, description: `${entry.description} (revised)` } : entry,
      )
      const path = join(dir, 'features.catalog.json')
      writeFileSync(path, JSON.stringify(edited))
      expect(await reseed(path)).toEqual({ created: 0, changed: 1, unchanged: seedSize - 1 })
      expect(await spec(vix)).toMatchObject({ description: `${before.vix.description} (revised)`, ttl_ms: before.vix.ttl_ms, version: before.vix.version + 2 })
      expect(await spec(dxy)).toMatchObject({ active: false })
      expect(await reseed(path)).toEqual({ created: 0, changed: 0, unchanged: seedSize })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('re-running migrations and the seed changes nothing', async () => {
    expect((await migrate(store.sql)).applied).toEqual([])
    const rows = await store.sql`select name from schema_migrations order by name`
    const files = readdirSync(MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort()
    expect(files.slice(0, 2)).toEqual(['001_catalog.sql', '002_values.sql'])
    expect(rows.map((row) => row.name)).toEqual(files)
  })
})
