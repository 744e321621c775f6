import { FREQUENCY_MS, type FeatureSpec } from '@lav/shared/contracts'
import { DAY_MS, toIso } from '@lav/shared/time'
import { publishInBatches, type PublishFunction } from './backfill'
import type { LoaderEvent } from './resilient-loader'
import type { SourceAdapter } from './source-adapter'

/** The slice of a pino logger the feed uses. */
export interface ShadowLog {
  info(details: Record<string, unknown>, message: string): void
  warn(details: Record<string, unknown>, message: string): void
}

export interface ShadowFeedOptions {
  readonly specs: readonly FeatureSpec[]
  /** The (resilient) adapter of a feature's real source; features without one are left out. */
  readonly adapterFor: (spec: FeatureSpec) => SourceAdapter | undefined
  readonly publish: PublishFunction
  /** A feature is polled every min(its frequency, pollMaxMs). */
  readonly pollMaxMs: number
  readonly now?: () => number
  readonly log?: ShadowLog
}

export interface ShadowFeed {
  /** The features a real source serves, in the order they are polled. */
  readonly features: readonly string[]
  /** Loads and publishes every feature that is due; what the timer calls. Returns points published. */
  tick(): Promise<number>
  start(): void
  stop(): void
}

const BATCH_SIZE = 5000
const MAX_TICK_MS = 60_000

/**
 * How far back each poll re-reads: three periods, and a week for daily and weekly series, whose
 * latest values get revised (late ETF issuers, FRED revisions). Publishing is an upsert, so
 * re-reading costs nothing in the store.
 */
export function lookbackMs(spec: FeatureSpec): number {
  const period = FREQUENCY_MS[spec.frequency] ?? DAY_MS
  return Math.max(3 * period, period >= DAY_MS ? 7 * DAY_MS : 0)
}

export function pollEveryMs(spec: FeatureSpec, pollMaxMs: number): number {
  return Math.min(FREQUENCY_MS[spec.frequency] ?? pollMaxMs, pollMaxMs)
}

/**
 * ORACLE_SOURCE_MODE=shadow: each feature with a real source is loaded on its cadence through
 * its source's resilient loader and published through the store's normal publish path, with the
 * adapters' evidence. One failing source is logged and retried on its next poll; the others go on.
 */
export function createShadowFeed(options: ShadowFeedOptions): ShadowFeed {
  const now = options.now ?? Date.now
  const routed = options.specs
    .filter((spec) => spec.active && spec.frequency !== 'tick')
    .flatMap((spec) => {
      const adapter = options.adapterFor(spec)
      return adapter ? [{ spec, adapter, everyMs: pollEveryMs(spec, options.pollMaxMs) }] : []
    })
  const due = new Map(routed.map(({ spec }) => [spec.id, Number.NEGATIVE_INFINITY]))
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined

  const poll = async ({ spec, adapter }: (typeof routed)[number], at: number) => {
    try {
      const points = await adapter.load(spec, at - lookbackMs(spec), at)
      const result = points.length > 0 ? await publishInBatches(points, options.publish, BATCH_SIZE) : { accepted: 0, rejected: 0, errors: [] }
      options.log?.info(
        { featureId: spec.id, source: adapter.name, points: points.length, accepted: result.accepted, rejected: result.rejected, firstRejection: result.errors[0] },
        'shadow: published',
      )
      return points.length
    } catch (error) {
      // The adapters scrub keys from their messages; the error object itself is not logged.
      options.log?.warn({ featureId: spec.id, source: adapter.name, error: (error as Error).message }, 'shadow: source failed, retried on the next poll')
      return 0
    }
  }

  const tick = async () => {
    const at = now()
    let published = 0
    for (const entry of routed) {
      if ((due.get(entry.spec.id) as number) > at) continue
      due.set(entry.spec.id, at + entry.everyMs)
      published += await poll(entry, at)
    }
    return published
  }
  const runOnce = () => {
    // One tick at a time: a slow source must not pile up overlapping polls.
    running ??= tick().finally(() => {
      running = undefined
    })
    return running
  }
  const tickMs = Math.min(MAX_TICK_MS, ...routed.map(({ everyMs }) => everyMs))
  return {
    features: routed.map(({ spec }) => spec.id),
    tick,
    start() {
      if (timer) return
      void runOnce()
      timer = setInterval(() => void runOnce(), tickMs)
      timer.unref()
      options.log?.info({ features: routed.length, at: toIso(now()) }, 'shadow: feed started')
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}

/** Resilient-loader events as log lines: an error's message only, which sources scrub of keys. */
export function logLoaderEvents(log: ShadowLog): (event: LoaderEvent) => void {
  return (event) => {
    const error = 'error' in event ? (event.error as Error).message : undefined
    const details = { source: event.adapter, ...(error ? { error } : {}) }
    if (event.type === 'retry') log.info({ ...details, attempt: event.attempt, delayMs: event.delayMs }, 'source: retrying')
    else if (event.type === 'breaker_open' || event.type === 'give_up') log.warn(details, `source: ${event.type}`)
    else log.info(details, `source: ${event.type}`)
  }
}
