import fc from 'fast-check'
import { DAY_MS, HOUR_MS, MINUTE_MS } from '@lav/shared/time'
import { describe, expect, it } from 'vitest'
import { evaluateInstants } from '../src/signals/evaluate'
import { toSeries } from '../src/signals/series'
import type { EvaluationData, MethodParams } from '../src/signals/types'
import { FEEDS, PARAMS } from './harness'
import { referenceRegime, type PlainPoint } from './reference-method'

const T = Date.UTC(2025, 9, 20, 12, 0)
const SPAN_MS = 100 * DAY_MS

// Values from a small set make ties and flat windows (σ = 0) common; doubles cover the rest.
const valueArb = fc.oneof(fc.constantFrom(-2, 0, 1, 5), fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }))

/**
 * Points every 6 h, day or week back from about T, up to 420 of them, around a level on a rising,
 * flat or falling trend (so z-scores reach the clamp and every rule can fire), with seeded noise
 * and gaps.
 */
const griddedArb = (trend: number) =>
  fc
    .record({
      count: fc.integer({ min: 0, max: 420 }),
      stepMs: fc.constantFrom(6 * HOUR_MS, DAY_MS, 7 * DAY_MS),
      // Offsets on the daily grid put points exactly on window and freshness bounds.
      offset: fc.oneof(fc.constantFrom(-DAY_MS, 0, 6 * HOUR_MS, DAY_MS, 3 * DAY_MS), fc.integer({ min: -DAY_MS, max: 5 * DAY_MS })),
      level: fc.constantFrom(0, 20, 500),
      slope: fc.oneof({ arbitrary: fc.constant(trend), weight: 2 }, { arbitrary: fc.constantFrom(-1, 0, 1), weight: 1 }),
      noise: fc.constantFrom(0, 0.5, 5),
      gapEvery: fc.constantFrom(0, 3, 7),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 2 }),
    })
    .map(({ count, stepMs, offset, level, slope, noise, gapEvery, seed }) => {
      const points: PlainPoint[] = []
      let state = seed
      for (let i = 0; i < count; i++) {
        state = (Math.imul(state, 48271) >>> 0) % 2147483647
        if (gapEvery > 0 && state % gapEvery === 0) continue
        points.push({ ts: T - offset - i * stepMs, value: level - slope * i + noise * ((state % 2001) / 1000 - 1) })
      }
      return points
    })

/** Points at scattered minutes over the last 100 days (and a day past T), with arbitrary values. */
const scatteredArb = fc
  .uniqueArray(fc.integer({ min: -SPAN_MS / MINUTE_MS, max: 1440 }), { maxLength: 120, size: 'max' })
  .chain((minutes) => fc.tuple(...minutes.map(() => valueArb)).map((values) => minutes.map((m, i) => ({ ts: T + m * MINUTE_MS, value: values[i] as number }))))

/** Nine feeds; most follow one market-wide trend in the direction of their weight, so regimes form. */
const datasetArb = fc.constantFrom(-1, 0, 1).chain((trend) =>
  fc.record({
    points: fc.tuple(
      ...FEEDS.map((feed) =>
        fc.oneof({ arbitrary: griddedArb(trend * Math.sign(feed.weight)), weight: 6 }, { arbitrary: scatteredArb, weight: 2 }, { arbitrary: fc.constant<PlainPoint[]>([]), weight: 1 }),
      ),
    ),
    ttlMs: fc.tuple(...FEEDS.map(() => fc.constantFrom(2 * HOUR_MS, 2 * DAY_MS, 4 * DAY_MS, 8 * DAY_MS))),
  }),
)

const paramsArb: fc.Arbitrary<MethodParams> = fc.record({
  alpha: fc.constantFrom(PARAMS.alpha, 0.5, 1),
  thetaHi: fc.constantFrom(PARAMS.thetaHi, 0.1),
  thetaLo: fc.constantFrom(PARAMS.thetaLo, -0.1),
  confirmationMs: fc.constantFrom(PARAMS.confirmationMs, 0, 48 * HOUR_MS),
  warmupInstants: fc.constantFrom(PARAMS.warmupInstants, 0, 3),
  minComponents: fc.constantFrom(PARAMS.minComponents, 1, 3),
}).map((overrides) => ({ ...PARAMS, ...overrides }))

function toData(points: PlainPoint[][], ttlMs: number[], order: (list: PlainPoint[]) => PlainPoint[] = (list) => list): EvaluationData {
  return {
    series: new Map(FEEDS.map((feed, i) => [feed.featureId, toSeries(order(points[i] ?? []))])),
    ttlMs: new Map(FEEDS.map((feed, i) => [feed.featureId, ttlMs[i] as number])),
  }
}

function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9)
  } else if (expected !== null && typeof expected === 'object') {
    expect(typeof actual, path).toBe('object')
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)])
    for (const key of keys) expectClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`)
  } else {
    expect(actual, path).toEqual(expected)
  }
}

describe('the evaluator against a plain reading of liquidity-method.md', () => {
  it('agrees to 1e-9 on every field, for random data and parameters', () => {
    fc.assert(
      fc.property(datasetArb, paramsArb, ({ points, ttlMs }, params) => {
        const [output] = evaluateInstants(FEEDS, params, toData(points, ttlMs), [T])
        const reference = referenceRegime(FEEDS, params, new Map(FEEDS.map((feed, i) => [feed.featureId, points[i] ?? []])), new Map(FEEDS.map((feed, i) => [feed.featureId, ttlMs[i] as number])), T)
        expectClose(output, reference)
      }),
      { numRuns: 150 },
    )
  })
})

describe('properties of every output', () => {
  it('keeps score in [0, 100], components and z in [−3, 3], confidence and coherence in [0, 1]', () => {
    fc.assert(
      fc.property(datasetArb, paramsArb, ({ points, ttlMs }, params) => {
        const outputs = evaluateInstants(FEEDS, params, toData(points, ttlMs), [T - 2 * DAY_MS, T - DAY_MS, T])
        for (const output of outputs) {
          expect(output.score).toBeGreaterThanOrEqual(0)
          expect(output.score).toBeLessThanOrEqual(100)
          for (const value of [...Object.values(output.components), output.score_raw, ...output.signals.map((signal) => signal.z)]) {
            if (value !== null) expect(Math.abs(value)).toBeLessThanOrEqual(3)
          }
          for (const share of [output.confidence, output.coherence]) {
            expect(share).toBeGreaterThanOrEqual(0)
            expect(share).toBeLessThanOrEqual(1)
          }
          expect(output.dq.ok).toBe(output.dq.ok && output.score_raw !== null && output.dq.stale.length + output.dq.missing.length === 0)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('does not depend on the order points arrive in', () => {
    fc.assert(
      fc.property(datasetArb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), ({ points, ttlMs }, seed) => {
        const shuffle = (list: PlainPoint[]) => {
          const copy = [...list]
          let state = seed
          for (let i = copy.length - 1; i > 0; i--) {
            state = (Math.imul(state, 48271) >>> 0) % 2147483647
            const j = state % (i + 1)
            ;[copy[i], copy[j]] = [copy[j] as PlainPoint, copy[i] as PlainPoint]
          }
          return copy
        }
        const instants = [T - DAY_MS, T]
        const inOrder = evaluateInstants(FEEDS, PARAMS, toData(points, ttlMs), instants)
        expect(evaluateInstants(FEEDS, PARAMS, toData(points, ttlMs, shuffle), instants)).toEqual(inOrder)
        expect(evaluateInstants(FEEDS, PARAMS, toData(points, ttlMs, (list) => [...list].reverse()), instants)).toEqual(inOrder)
      }),
      { numRuns: 100 },
    )
  })

  it('gives each history instant what a single evaluation at that instant gives', () => {
    fc.assert(
      fc.property(datasetArb, ({ points, ttlMs }) => {
        const data = toData(points, ttlMs)
        const instants = [T - 3 * DAY_MS, T - 2 * DAY_MS, T - DAY_MS, T]
        const together = evaluateInstants(FEEDS, PARAMS, data, instants)
        instants.forEach((instant, i) => expect(together[i]).toEqual(evaluateInstants(FEEDS, PARAMS, data, [instant])[0]))
      }),
      { numRuns: 50 },
    )
  })
})
