import { PUBLISH_MAX_DAYS, PUBLISH_MAX_POINTS, type FeatureSpec, type PublishPoint, type PublishResult } from '@lav/shared/contracts'
import { DAY_MS, parseInstant, toIso } from '@lav/shared/time'
import type { SourceAdapter } from './source-adapter'

export type PublishFunction = (points: PublishPoint[]) => Promise<PublishResult>

/** The slice of a pino logger the backfill uses, so the service logger can be passed as is. */
export interface BackfillLog {
  info(details: Record<string, unknown>, message: string): void
}

export interface BackfillOptions {
  readonly specs: readonly FeatureSpec[]
  readonly adapter: SourceAdapter
  readonly publish: PublishFunction
  /** History to load: [now − days, now]; or give `since` instead. */
  readonly days?: number
  /** Epoch ms the window starts at (`--since 2024-01-01`), instead of `days`. */
  readonly since?: number
  /** Epoch ms the window ends at; one value for all features so they share one window. */
  readonly now: number
  /** Points per publish call; at most what POST /publish takes (10,000). Default 5,000. */
  readonly batchSize?: number
  readonly log?: BackfillLog
}

export interface BackfillTotals {
  features: number
  points: number
  accepted: number
  rejected: number
}

/**
 * Features a backfill covers: active ones with a regular frequency. Tick features are left out:
 * they have no grid to fill, and their history is a replay of the stream, not a backfill.
 */
export function backfillableSpecs(specs: readonly FeatureSpec[]): FeatureSpec[] {
  return specs.filter((spec) => spec.active && spec.frequency !== 'tick')
}

function checkOptions({ days, since, now, batchSize }: { days?: number; since?: number; now: number; batchSize: number }): void {
  if ((days === undefined) === (since === undefined)) throw new RangeError('backfill: give either days or since')
  if (days !== undefined && (!(days > 0) || !Number.isFinite(days))) throw new RangeError(`backfill: days must be a positive number, got ${days}`)
  if (since !== undefined && !(since < now)) throw new RangeError(`backfill: since must be an epoch-ms instant before now, got ${since}`)
  if (!Number.isFinite(now)) throw new RangeError(`backfill: now must be an epoch-ms instant, got ${now}`)
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > PUBLISH_MAX_POINTS) {
    throw new RangeError(`backfill: batchSize must be an integer in 1..${PUBLISH_MAX_POINTS}, got ${batchSize}`)
  }
}

/**
 * Publishes `points` in consecutive batches of at most `batchSize` points spanning at most
 * PUBLISH_MAX_DAYS UTC days (a daily series of 5,000 days goes out in ten), one at a time.
 */
export async function publishInBatches(
  points: readonly PublishPoint[],
  publish: PublishFunction,
  batchSize: number,
): Promise<PublishResult> {
  const total: PublishResult = { accepted: 0, rejected: 0, errors: [] }
  for (const batch of batchesOf(points, batchSize)) {
    const result = await publish(batch.points)
    total.accepted += result.accepted
    total.rejected += result.rejected
    // The store numbers errors within a batch; renumber them within the whole series.
    for (const error of result.errors) total.errors.push({ ...error, index: error.index + batch.offset })
  }
  return total
}

function* batchesOf(points: readonly PublishPoint[], batchSize: number): Generator<{ offset: number; points: PublishPoint[] }> {
  for (let start = 0; start < points.length; ) {
    const days = new Set<number>()
    let end = start
    for (; end < points.length && end - start < batchSize; end++) {
      const ms = parseInstant(points[end]!.ts)
      const day = ms === null ? null : Math.floor(ms / DAY_MS)
      if (day === null || days.has(day)) continue
      if (days.size === PUBLISH_MAX_DAYS) break
      days.add(day)
    }
    yield { offset: start, points: points.slice(start, end) }
    start = end
  }
}

/**
 * Loads each backfillable feature over [since or now − days, now] from `adapter` and publishes it in
 * batches. Features run one after another so a large history never sits in memory at once.
 * Publishing is an upsert, so running the same backfill twice writes nothing new.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillTotals> {
  const { specs, adapter, publish, days, now, batchSize = 5000, log } = options
  checkOptions({ days, since: options.since, now, batchSize })
  const since = options.since ?? now - (days as number) * DAY_MS
  const totals: BackfillTotals = { features: 0, points: 0, accepted: 0, rejected: 0 }
  for (const spec of backfillableSpecs(specs)) {
    const points = await adapter.load(spec, since, now)
    const result = await publishInBatches(points, publish, batchSize)
    totals.features++
    totals.points += points.length
    totals.accepted += result.accepted
    totals.rejected += result.rejected
    log?.info(
      { featureId: spec.id, source: adapter.name, points: points.length, accepted: result.accepted, rejected: result.rejected, firstRejection: result.errors[0] },
      'backfilled feature',
    )
  }
  log?.info({ ...totals, since: toIso(since), until: toIso(now) }, 'backfill finished')
  return totals
}
