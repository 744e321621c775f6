import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { FeatureSpecInputSchema } from '@lav/shared/contracts'
import { z } from 'zod'

const CATALOG_PATH = fileURLToPath(import.meta.resolve('@lav/feature-store-svc/catalog.json'))

export interface BenchFeature {
  id: string
  frequency: string
  tags: string[]
  low: number
  high: number
}

/** What POST /publish takes, without the optional meta and evidence. */
export interface BenchPoint {
  featureId: string
  ts: string
  value: number
  confidence: number
}

/** The catalog the service seeds itself from, so generated values always fall inside its ranges. */
export function loadCatalog(): Map<string, BenchFeature> {
  const specs = z.array(FeatureSpecInputSchema).parse(JSON.parse(readFileSync(CATALOG_PATH, 'utf8')))
  return new Map(
    specs.map((spec) => {
      const [low, high] = spec.quality?.expected_range ?? [-1e9, 1e9]
      return [spec.id, { id: spec.id, frequency: spec.frequency, tags: spec.tags, low, high }]
    }),
  )
}

export function pick(catalog: Map<string, BenchFeature>, ids: readonly string[]): BenchFeature[] {
  return ids.map((id) => {
    const feature = catalog.get(id)
    if (!feature) throw new Error(`feature ${id} is not in the catalog: the bench's feature list is out of date`)
    return feature
  })
}

/**
 * A weekly wave plus seeded noise kept between 15% and 85% of the expected range: realistic
 * enough for the store, deterministic so two runs write the same rows.
 */
export function valueAt(feature: BenchFeature, step: number): number {
  const phase = hash(feature.id) % 1000
  const wave = 0.3 * Math.sin((2 * Math.PI * step) / 168 + phase)
  const noise = 0.1 * (noiseAt(hash(feature.id) + step) - 0.5)
  return feature.low + (feature.high - feature.low) * (0.5 + wave + noise)
}

/**
 * `count` instants per feature, every `stepMs`, going back in time from `endMs`; at each instant
 * every feature gets a point, as a loader publishing a whole snapshot would send them.
 */
export function history(features: BenchFeature[], count: number, endMs: number, stepMs: number): BenchPoint[] {
  const points: BenchPoint[] = []
  for (let step = 0; step < count; step++) {
    const ts = new Date(endMs - step * stepMs).toISOString()
    for (const feature of features) points.push({ featureId: feature.id, ts, value: valueAt(feature, step), confidence: 1 })
  }
  return points
}

export function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

/** mulberry32, one draw: a stateless, seedable stand-in for Math.random. */
function noiseAt(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
