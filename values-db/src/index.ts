// What every process on the values database may use. Applying migrations is feature-store-svc's
// alone: `@lav/values-db/migrate`.
export { createDatabase, type Database } from './database'
export { createPartitionManager, isMissingPartitionError, utcDay, type PartitionManager } from './partitions'
export { requireSchemaVersion, schemaVersion, SchemaTooOldError } from './schema-version'
