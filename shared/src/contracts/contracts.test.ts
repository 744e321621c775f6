import { describe, expect, it } from 'vitest'
import { FeatureSpecInputSchema, PublishBodySchema, QueryBodySchema, RegimeOutputSchema } from './index'
import { parseInstant } from '../time/index'

describe('contracts', () => {
  it('feature ids are lower-case segments joined by "/"', () => {
    const base = { entity: 'macro', description: '', unit: 'USD', frequency: '1d', ttl_ms: 1, tags: [], source: { id: 's', class: 'macro', schema: 'v' } }
    expect(FeatureSpecInputSchema.safeParse({ ...base, id: 'macro/us/walcl_total_usd' }).success).toBe(true)
    for (const id of ['Macro/us', 'single', 'a//b', '/a/b', 'a/b/', 'a b/c']) {
      expect(FeatureSpecInputSchema.safeParse({ ...base, id }).success).toBe(false)
    }
  })

  it('instants need an offset', () => {
    expect(parseInstant('2025-10-20T00:00:00Z')).toBe(Date.UTC(2025, 9, 20))
    expect(parseInstant('2025-10-20T00:00:00.123+02:00')).toBe(Date.UTC(2025, 9, 19, 22, 0, 0, 123))
    expect(parseInstant('2025-10-20T00:00:00')).toBeNull()
    expect(parseInstant('2025-10-20')).toBeNull()
    expect(parseInstant('2025-13-01T00:00:00Z')).toBeNull()
  })

  it('publish bodies are arrays of at most 10,000 strict points', () => {
    const point = { featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 1 }
    expect(PublishBodySchema.safeParse([point]).success).toBe(true)
    expect(PublishBodySchema.safeParse(point).success).toBe(false)
    expect(PublishBodySchema.safeParse([{ ...point, stale: false }]).success).toBe(false)
    expect(PublishBodySchema.safeParse([{ ...point, value: '1' }]).success).toBe(false)
    expect(PublishBodySchema.safeParse([{ ...point, value: Number.POSITIVE_INFINITY }]).success).toBe(true)
    expect(PublishBodySchema.safeParse(Array.from({ length: 10_001 }, () => point)).success).toBe(false)
  })

  it('query bodies check interval, window order and time zone', () => {
    expect(QueryBodySchema.safeParse({ featureIds: ['a/b'], agg: 'avg', interval: '1h', tz: 'Asia/Kolkata' }).success).toBe(true)
    expect(QueryBodySchema.safeParse({ featureIds: ['a/b'], interval: '1h' }).success).toBe(false)
    expect(QueryBodySchema.safeParse({ featureIds: ['a/b'], agg: 'avg', tz: 'Nowhere/City' }).success).toBe(false)
    expect(QueryBodySchema.safeParse({ featureIds: ['a/b'], since: '2025-10-02T00:00:00Z', until: '2025-10-01T00:00:00Z' }).success).toBe(false)
  })

  it('a regime output keeps its numbers in range', () => {
    const output = {
      state: 'verde',
      candidate: 'verde',
      confidence: 0.9,
      score: 70,
      score_raw: 1.2,
      components: { gl: 1, cn: null, mp: 0.5 },
      coherence: 1,
      updated_at: '2025-10-20T00:00:00.000Z',
      dq: { ok: true, stale: [], missing: [] },
      signals: [],
    }
    expect(RegimeOutputSchema.safeParse(output).success).toBe(true)
    expect(RegimeOutputSchema.safeParse({ ...output, score: 101 }).success).toBe(false)
    expect(RegimeOutputSchema.safeParse({ ...output, state: 'azul' }).success).toBe(false)
  })
})
