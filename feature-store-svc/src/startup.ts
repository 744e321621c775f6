import type { FeatureStoreConfig } from './config'
import { createCatalogRepository } from './registry/catalog-repository'
import { seedCatalog } from './registry/catalog-seed'
import { createPartitionManager, type Database } from '@lav/values-db'
import { migrate } from '@lav/values-db/migrate'

/** What must be true before the store serves: schema migrated, catalog seeded, partitions ahead. */
export async function prepareStore(sql: Database, config: Pick<FeatureStoreConfig, 'catalogPath' | 'partitionDaysAhead'>) {
  const migrations = await migrate(sql)
  const catalog = await seedCatalog(createCatalogRepository(sql), config.catalogPath)
  const partitionsCreated = await createPartitionManager(sql).ensureAhead(config.partitionDaysAhead)
  return { migrations: migrations.applied, catalog, partitionsCreated }
}
