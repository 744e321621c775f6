import type { PublishPoint, PublishResult } from '@lav/shared/contracts'
import { StorageUnavailableError } from '@lav/shared'
import { Counter, type Registry } from 'prom-client'
import type { LatestCache } from '../cache/latest-cache'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import { isMissingPartitionError, type PartitionManager } from '../storage/partitions'
import type { ValuesRepository } from '../storage/values-repository'
import { validateBatch } from './point-validation'

export interface PublishDeps {
  catalog: Pick<CatalogSnapshot, 'findMany'>
  values: Pick<ValuesRepository, 'upsert' | 'latest'>
  partitions: PartitionManager
  cache: Pick<LatestCache, 'offer'>
  registry: Registry
  now?: () => number
}

export type PublishFn = (points: PublishPoint[]) => Promise<PublishResult>

const RETRYABLE = new Set(['40P01', '40001'])

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

  return async (points) => {
    const specs = await deps.catalog.findMany([...new Set(points.map((point) => point.featureId))])
    const { accepted, rejections } = validateBatch(points, specs, now())
    if (accepted.length > 0) {
      await write(accepted)
      const touched = [...new Set(accepted.map((point) => point.featureId))]
      // Written through after commit, from PostgreSQL's own latest row: a read after this
      // publish never sees an older value, whatever order concurrent publishes commit in.
      await deps.cache.offer(await deps.values.latest(touched))
    }
    for (const [feature, count] of countBy(accepted, (point) => point.featureId)) ingested.inc({ feature }, count)
    // Unknown ids are folded into one label: a caller must not be able to grow the label set.
    for (const [key, count] of countBy(rejections, (r) => `${specs.has(r.featureId) ? r.featureId : 'unknown'}\u0000${r.reason}`)) {
      const [feature, reason] = key.split('\u0000') as [string, string]
      failedIngest.inc({ feature, reason }, count)
    }
    return { accepted: accepted.length, rejected: rejections.length, errors: rejections }
  }
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1)
  return counts
}
