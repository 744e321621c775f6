import { createDatabase, requireSchemaVersion, type Database } from '@lav/values-db'
import type { ExportWorkerConfig } from './config'
import type { ExportCycleDeps } from './export/export-cycle'
import type { ExportMetrics } from './metrics/export-metrics'
import type { RetentionDeps } from './retention/run-retention'
import { createObjectStore, type ObjectStore } from './s3/object-store'
import { createS3Client } from './s3/s3-client'
import { createS3Total, type S3Total } from './metrics/s3-total'

type Log = { info(object: object, message: string): void; warn(object: object, message: string): void }

/** The values schema the worker needs: 006 added `features_revisions`, the newest table it reads. */
export const VALUES_SCHEMA_VERSION = 6

export interface Runtime {
  sql: Database
  objects: ObjectStore
  s3Total: S3Total
  close(): Promise<void>
}

/**
 * The clients the server and the CLI share. feature-store-svc owns the schema and migrates it at
 * start; the worker only checks that the database is new enough, and stops saying how to fix it.
 */
export async function openRuntime(config: ExportWorkerConfig): Promise<Runtime> {
  const sql = createDatabase(config.databaseUrl, config.databasePoolMax, 'export-worker')
  try {
    await requireSchemaVersion(sql, VALUES_SCHEMA_VERSION, 'export-worker')
    const client = createS3Client(config.s3)
    const objects = createObjectStore({ client, ...config.s3, expireAfterDays: config.s3RetentionDays })
    return {
      sql,
      objects,
      s3Total: createS3Total(sql),
      close: async () => {
        client.destroy()
        await sql.end({ timeout: 5 })
      },
    }
  } catch (error) {
    await sql.end({ timeout: 5 })
    throw error
  }
}

/** The dependencies of the two jobs, from configuration: one place for server.ts and the CLI. */
export function jobDeps(config: ExportWorkerConfig, runtime: Runtime, extras: { metrics?: ExportMetrics; log?: Log } = {}) {
  const exportDeps: ExportCycleDeps = {
    sql: runtime.sql,
    objects: runtime.objects,
    lagMs: config.lagMs,
    maxRowsPerFile: config.maxRowsPerFile,
    uploadConcurrency: config.s3.uploadConcurrency,
    metrics: extras.metrics,
    s3Total: runtime.s3Total,
    log: extras.log,
  }
  const retentionDeps: RetentionDeps = {
    sql: runtime.sql,
    objects: runtime.objects,
    pgRetentionDays: config.pgRetentionDays,
    s3RetentionDays: config.s3RetentionDays,
    metrics: extras.metrics,
    s3Total: runtime.s3Total,
  }
  return { exportDeps, retentionDeps }
}
