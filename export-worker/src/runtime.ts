import { createDatabase, type Database } from '../../feature-store-svc/src/storage/database'
import { migrate } from '../../feature-store-svc/src/storage/migrate'
import type { ExportWorkerConfig } from './config'
import type { ExportCycleDeps } from './export/export-cycle'
import type { ExportMetrics } from './metrics/export-metrics'
import type { RetentionDeps } from './retention/run-retention'
import { createObjectStore, type ObjectStore } from './s3/object-store'
import { createS3Client } from './s3/s3-client'
import { createS3Total, type S3Total } from './metrics/s3-total'

type Log = { info(object: object, message: string): void; warn(object: object, message: string): void }

export interface Runtime {
  sql: Database
  objects: ObjectStore
  s3Total: S3Total
  migrations: string[]
  close(): Promise<void>
}

/**
 * The clients the server and the CLI share. The store's migration runner owns the schema; the
 * worker runs it too (advisory-locked, each file once) so either process may start first.
 */
export async function openRuntime(config: ExportWorkerConfig): Promise<Runtime> {
  const sql = createDatabase(config.databaseUrl, config.databasePoolMax, 'export-worker')
  try {
    const { applied } = await migrate(sql)
    const client = createS3Client(config.s3)
    const objects = createObjectStore({ client, ...config.s3, expireAfterDays: config.s3RetentionDays })
    return {
      sql,
      objects,
      s3Total: createS3Total(sql),
      migrations: applied,
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
