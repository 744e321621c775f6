import { FeatureNotFoundError } from '@lav/shared'
import { FREQUENCY_MS, type DqFeatureReport, type DqReport, type FeatureSpec } from '@lav/shared/contracts'
import { DAY_MS, withTimeout } from '@lav/shared/time'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, Gauge, type Registry } from 'prom-client'
import { computeCoverage } from '../query/coverage'
import type { CatalogSnapshot } from '../registry/catalog-snapshot'
import type { ValueRow, ValuesRepository } from '../storage/values-repository'

export interface DqDeps {
  catalog: Pick<CatalogSnapshot, 'find' | 'active'>
  values: Pick<ValuesRepository, 'latest' | 'occupiedSlots' | 'countOutside' | 'storageBytes'>
  registry: Registry
  coverageMin: number
  freshnessMaxRatio: number
  now?: () => number
  log?: Pick<FastifyBaseLogger, 'warn'>
}

/** How long a scrape waits for PostgreSQL before it answers without the DQ and storage gauges. */
const SCRAPE_READ_TIMEOUT_MS = 2_000

export interface DqParams {
  featureId?: string
  since?: number
  until?: number
}

/** The default window is a week: long enough to hold a point of every frequency, weekly included. */
export const DQ_DEFAULT_WINDOW_MS = 7 * DAY_MS

export type DqFn = (params: DqParams) => Promise<DqReport>

export function createDqService(deps: DqDeps): DqFn {
  const now = deps.now ?? Date.now
  const report: DqFn = async (params) => {
    const specs = params.featureId ? [await requireFeature(deps, params.featureId)] : await deps.catalog.active()
    const at = now()
    const until = params.until ?? at
    const since = params.since ?? until - DQ_DEFAULT_WINDOW_MS
    const ids = specs.map((spec) => spec.id)
    const ranged = specs.flatMap((spec) => (spec.quality?.expected_range ? [{ featureId: spec.id, low: spec.quality.expected_range[0], high: spec.quality.expected_range[1] }] : []))
    const slotted = specs.flatMap((spec) => (FREQUENCY_MS[spec.frequency] ? [{ featureId: spec.id, slotMs: FREQUENCY_MS[spec.frequency] as number }] : []))
    const [latest, slots, outside] = await Promise.all([
      deps.values.latest(ids),
      deps.values.occupiedSlots(slotted, since, until),
      deps.values.countOutside(ranged, since, until),
    ])
    const latestById = new Map(latest.map((row) => [row.featureId, row]))
    const features = specs.map((spec) =>
      featureReport(spec, { latest: latestById.get(spec.id), slots: slots.get(spec.id) ?? [], outside: outside.get(spec.id) ?? 0, since, until, at }, deps),
    )
    return { generated_at: new Date(at).toISOString(), since: new Date(since).toISOString(), until: new Date(until).toISOString(), ok: features.every((f) => f.ok), features }
  }
  registerDqGauges(deps, report)
  return report
}

/**
 * The DQ gauges are computed when Prometheus scrapes, over the default window, for every active
 * feature: alerts must see freshness move without anyone calling GET /dq. One report serves all
 * gauges of a scrape. With PostgreSQL down or slow these gauges are left out of the scrape (and
 * counted) instead of failing it: the process, HTTP and cache metrics matter most during exactly
 * that outage.
 */
function registerDqGauges(deps: DqDeps, report: DqFn): void {
  let pending: { at: number; report: Promise<DqReport> } | undefined
  const current = () => {
    if (!pending || Date.now() - pending.at > 1_000) {
      const started = { at: Date.now(), report: report({}) }
      // A failed report is not reused: the next scrape asks PostgreSQL again.
      started.report.catch(() => {
        if (pending === started) pending = undefined
      })
      pending = started
    }
    return pending.report
  }
  const failures = new Counter({
    name: 'feature_dq_scrape_failures_total',
    help: 'Scrapes that left out the DQ or storage gauges because PostgreSQL failed or was slow',
    labelNames: ['gauge'] as const,
    registers: [deps.registry],
  })
  const measured = async <T>(gauge: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withTimeout(read(), SCRAPE_READ_TIMEOUT_MS)
    } catch (error) {
      failures.inc({ gauge })
      deps.log?.warn({ err: error, gauge }, 'metrics scrape without this gauge: PostgreSQL failed or was slow')
      return undefined
    }
  }
  const gauge = (name: string, help: string, value: (feature: DqFeatureReport) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['feature'] as const,
      registers: [deps.registry],
      async collect() {
        this.reset()
        for (const feature of (await measured(name, current))?.features ?? []) {
          const reading = value(feature)
          if (reading !== null) this.set({ feature: feature.featureId }, reading)
        }
      },
    })
  // A feature that never received a point is infinitely stale: +Inf makes staleness alerts fire.
  gauge('feature_freshness_seconds', 'Seconds since the latest point of each active feature (+Inf: none yet)', (f) => (f.freshness.age_ms === null ? Infinity : f.freshness.age_ms / 1000))
  gauge('feature_ttl_seconds', 'Staleness threshold (ttl_ms) of each active feature, from the catalog', (f) => f.freshness.ttl_ms / 1000)
  gauge('feature_coverage_ratio', 'Share of expected slots holding a point over the last 7 days', (f) => f.coverage.ratio)
  gauge('feature_range_violations', 'Stored points outside the expected range over the last 7 days', (f) => f.range.violations)
  new Gauge({
    name: 'feature_storage_size_bytes',
    help: 'Bytes used by stored feature values per storage layer',
    labelNames: ['layer'] as const,
    registers: [deps.registry],
    async collect() {
      this.reset()
      const bytes = await measured('feature_storage_size_bytes', () => deps.values.storageBytes())
      if (bytes !== undefined) this.set({ layer: 'pg' }, bytes)
    },
  })
}

async function requireFeature(deps: DqDeps, id: string): Promise<FeatureSpec> {
  const spec = await deps.catalog.find(id)
  if (!spec) throw new FeatureNotFoundError(id)
  return spec
}

type Observed = { latest?: ValueRow; slots: number[]; outside: number; since: number; until: number; at: number }

function featureReport(spec: FeatureSpec, o: Observed, deps: Pick<DqDeps, 'coverageMin' | 'freshnessMaxRatio'>): DqFeatureReport {
  const age = o.latest ? o.at - o.latest.ts : null
  // No point at all is the worst staleness there is.
  const stale = age === null || age > spec.ttl_ms
  const freshnessViolation = age === null || age > spec.ttl_ms * deps.freshnessMaxRatio
  const cov = computeCoverage(o.since, o.until, FREQUENCY_MS[spec.frequency], o.slots)
  const coverageViolation = cov.ratio !== null && cov.ratio < deps.coverageMin
  return {
    featureId: spec.id,
    ok: !freshnessViolation && !coverageViolation && o.outside === 0,
    freshness: { last_ts: o.latest ? new Date(o.latest.ts).toISOString() : null, last_confidence: o.latest?.confidence ?? null, age_ms: age, ttl_ms: spec.ttl_ms, stale, violation: freshnessViolation },
    coverage: { ...cov, min: deps.coverageMin, violation: coverageViolation },
    range: { expected_range: spec.quality?.expected_range ?? null, violations: o.outside },
  }
}
