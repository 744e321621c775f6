import { PUBLISH_MAX_DAYS, type PublishPoint, type PublishResult } from '@lav/shared/contracts'
import { BadRequestError, StorageUnavailableError } from '@lav/shared'
import { DAY_MS, TimeoutError, withTimeout } from '@lav/shared/time'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, type Registry } from 'prom-client'
import type { LatestCache } from '../cache/latest-cache'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import { isMissingPartitionError, type PartitionManager } from '@lav/values-db'
import type { ValuesRepository } from '../storage/values-repository'
import { validateBatch } from './point-validation'

export interface PublishDeps {
  catalog: Pick<CatalogSnapshot, 'findMany'>
  values: Pick<ValuesRepository, 'upsert' | 'latest'>
  partitions: PartitionManager
  cache: Pick<LatestCache, 'offer' | 'markUnsynced'>
  registry: Registry
  log?: Pick<FastifyBaseLogger, 'warn'>
  now?: () => number
  /** Default PUBLISH_WRITE_TIMEOUT_MS (FEATURE_STORE_PUBLISH_TIMEOUT_MS). */
  writeTimeoutMs?: number
}

export type PublishFn = (points: PublishPoint[]) => Promise<PublishResult>

const RETRYABLE = new Set(['40P01', '40001'])

/**
 * How long a publish waits for PostgreSQL before it answers 503. Below the gateway's upstream
 * timeout (10 s): with PostgreSQL crashed or recovering, connection attempts queue behind each
 * other, and a caller must get the documented 503 (retry the batch: the upsert is idempotent),
 * not the gateway's 504. The write may still commit after that answer; a retry then changes
 * nothing.
 */
export const PUBLISH_WRITE_TIMEOUT_MS = 8_000
/** The re-read after commit only feeds the cache: past this, the features are repaired later. */
const WRITE_THROUGH_TIMEOUT_MS = 1_000

export function createPublishService(deps: PublishDeps): PublishFn {
  const now = deps.now ?? Date.now
  const ingested = new Counter({ name: 'feature_ingest_total', help: 'Points accepted by publish', labelNames: ['feature'] as const, registers: [deps.registry] })
  const failedIngest = new Counter({ name: 'feature_ingest_fail_total', help: 'Points rejected by publish', labelNames: ['feature', 'reason'] as const, registers: [deps.registry] })

  const write = async (batch: ReturnType<typeof validateBatch>['accepted'], attempt = 0): Promise<void> => {
    try {
      await deps.partitions.ensureForInstants(batch.map((point) => point.ts))
      await deps.values.upsert(batch)
    } catch (error) {
      const code = (error as { code?: string }).code
      // A partition dropped by retention since we cached it, or a lock conflict: both retry cleanly.
      if (attempt < 2 && (isMissingPartitionError(error) || (code && RETRYABLE.has(code)))) {
        if (isMissingPartitionError(error)) deps.partitions.forget()
        return write(batch, attempt + 1)
      }
      if (code && /^(08|53|57)/.test(code)) throw new StorageUnavailableError('storage is unavailable: nothing was written, retry the batch')
      throw error
    }
  }

  /**
   * Written through after commit, from PostgreSQL's own latest row: a read after this publish
   * never sees an older value, whatever order concurrent publishes commit in. The points are
   * committed by then, so a failed re-read does not fail the publish: those features are read
   * from PostgreSQL until the cache's repair writes them through.
   */
  const writeThrough = async (featureIds: string[]) => {
    try {
      await withTimeout(
        deps.values.latest(featureIds).then((rows) => deps.cache.offer(rows)),
        WRITE_THROUGH_TIMEOUT_MS,
      )
    } catch (error) {
      deps.cache.markUnsynced(featureIds)
      deps.log?.warn({ err: error, features: featureIds.length }, 'published points committed, latest rows not re-read: cache repair scheduled')
    }
  }

  const countFailures = (rejections: { featureId: string; reason: string }[], specs: Map<string, unknown>) => {
    // Unknown ids are folded into one label: a caller must not be able to grow the label set.
    for (const [key, count] of countBy(rejections, (r) => `${specs.has(r.featureId) ? r.featureId : 'unknown'}\u0000${r.reason}`)) {
      const [feature, reason] = key.split('\u0000') as [string, string]
      failedIngest.inc({ feature, reason }, count)
    }
  }

  const timeoutMs = deps.writeTimeoutMs ?? PUBLISH_WRITE_TIMEOUT_MS
  // One deadline for everything that may wait on PostgreSQL: the catalog lookup as well as the write.
  const inTime = <T>(work: Promise<T>, started: number) =>
    withTimeout(work, Math.max(1, timeoutMs - (Date.now() - started))).catch((error: unknown) => {
      if (error instanceof TimeoutError) throw new StorageUnavailableError('storage did not answer in time: the batch may or may not be written, retry it (publishing is idempotent)')
      throw error
    })

  return async (points) => {
    const started = Date.now()
    const specs = await inTime(deps.catalog.findMany([...new Set(points.map((point) => point.featureId))]), started)
    const { accepted, rejections } = validateBatch(points, specs, now())
    countFailures(rejections, specs)
    if (accepted.length > 0) {
      try {
        checkDaySpan(accepted)
        await inTime(write(accepted), started)
      } catch (error) {
        // The whole batch failed: its accepted points count as failed ingest too.
        const reason = error instanceof StorageUnavailableError ? 'storage_unavailable' : error instanceof BadRequestError ? 'batch_refused' : 'error'
        countFailures(accepted.map((point) => ({ featureId: point.featureId, reason })), specs)
        throw error
      }
      await writeThrough([...new Set(accepted.map((point) => point.featureId))])
    }
    for (const [feature, count] of countBy(accepted, (point) => point.featureId)) ingested.inc({ feature }, count)
    return { accepted: accepted.length, rejected: rejections.length, errors: rejections }
  }
}

/** Each UTC day is a partition, locked while the batch is written: a batch must not lock hundreds. */
function checkDaySpan(points: { ts: number }[]): void {
  const days = new Set(points.map((point) => Math.floor(point.ts / DAY_MS))).size
  if (days > PUBLISH_MAX_DAYS) {
    throw new BadRequestError(`this batch spans ${days} UTC days of ts; at most ${PUBLISH_MAX_DAYS} per publish (each day is a partition): split it`)
  }
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}
