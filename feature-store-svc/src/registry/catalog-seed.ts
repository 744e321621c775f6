import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { FeatureSpecInputSchema } from '@lav/shared/contracts'
import type { CatalogRepository, UpsertOutcome } from './catalog-repository'

/**
 * Loads registry/features.catalog.json into the catalog: new specs created, entries the file
 * changed since the last start versioned; what the API changed otherwise stands.
 */
export async function seedCatalog(repository: Pick<CatalogRepository, 'seed'>, path: string): Promise<Record<UpsertOutcome, number>> {
  const parsed = z.array(FeatureSpecInputSchema).safeParse(JSON.parse(await readFile(path, 'utf8')))
  if (!parsed.success) throw new Error(`catalog seed ${path} is invalid: ${parsed.error.message}`)
  const counts: Record<UpsertOutcome, number> = { created: 0, changed: 0, unchanged: 0 }
  for (const spec of parsed.data) counts[await repository.seed(spec)]++
  return counts
}
