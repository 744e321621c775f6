import { FREQUENCY_MS, type FeatureSpec, type PublishPoint, type PublishResult } from '@lav/shared/contracts'
import { toIso } from '@lav/shared/time'
import { gridInstants, mockValue } from './adapters/mock-adapter'

export interface DemoFeedOptions {
  specs: readonly FeatureSpec[]
  publish: (points: PublishPoint[]) => Promise<PublishResult>
  /** 1: each feature on its own frequency; N: N points per frequency period (a faster demo). */
  speed?: number
  now?: () => number
  onError?: (error: unknown) => void
  onPublished?: (result: PublishResult, points: number) => void
}

export interface DemoFeed {
  /** Publishes every point due since the last tick; what a timer calls. */
  tick(): Promise<number>
  start(): void
  stop(): void
}

const MIN_STEP_MS = 1_000
const MAX_TICK_MS = 60_000

/** The step of a feature's live points: its frequency, divided by the demo speed. */
export function stepOf(spec: FeatureSpec, speed: number): number {
  return Math.max(MIN_STEP_MS, (FREQUENCY_MS[spec.frequency] ?? 60_000) / speed)
}

/** Instants in (last, now] on the feature's grid (speed 1) or on its faster demo grid. */
export function dueInstants(spec: FeatureSpec, last: number, now: number, speed: number): number[] {
  if (speed === 1) return gridInstants(spec.frequency, last + 1, now)
  const step = stepOf(spec, speed)
  const instants: number[] = []
  for (let ts = Math.floor(last / step) * step + step; ts <= now; ts += step) instants.push(ts)
  return instants
}

/**
 * Keeps the demo alive after the backfill: each feature gets new mock points as time passes,
 * published through the same validation path as any client, so freshness stays green and the
 * liquidity regime keeps moving.
 */
export function createDemoFeed(options: DemoFeedOptions): DemoFeed {
  const now = options.now ?? Date.now
  const speed = options.speed ?? 1
  const specs = options.specs.filter((spec) => spec.active && spec.frequency !== 'tick')
  const startedAt = now()
  const last = new Map(specs.map((spec) => [spec.id, startedAt]))
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined

  const tick = async () => {
    const at = now()
    const points = specs.flatMap((spec) =>
      dueInstants(spec, last.get(spec.id) as number, at, speed).map((ts) => ({ featureId: spec.id, ts: toIso(ts), value: mockValue(spec, ts), evidence: [{ source: 'mock', ref: `mock://${spec.id}` }] })),
    )
    if (points.length === 0) return 0
    const result = await options.publish(points)
    for (const spec of specs) last.set(spec.id, at)
    options.onPublished?.(result, points.length)
    return points.length
  }
  const tickMs = Math.min(MAX_TICK_MS, ...specs.map((spec) => stepOf(spec, speed)))
  return {
    tick,
    start() {
      timer ??= setInterval(() => {
        // One tick at a time: a slow store must not pile up overlapping publishes.
        running ??= tick()
          .catch((error) => {
            options.onError?.(error)
            return 0
          })
          .finally(() => {
            running = undefined
          })
      }, tickMs)
      timer.unref()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
