import type { FeatureSpec } from '@lav/shared/contracts'
import { describe, expect, it } from 'vitest'
import { FUTURE_TOLERANCE_MS, validateBatch } from './point-validation'

const NOW = Date.UTC(2025, 9, 20, 12)
const spec = (overrides: Partial<FeatureSpec> = {}): FeatureSpec => ({
  id: 'a/b',
  entity: 'market',
  description: '',
  unit: 'USD',
  frequency: '1h',
  ttl_ms: 7_200_000,
  tags: [],
  source: { id: 's', class: 'cex', schema: 'v1' },
  quality: { expected_range: [0, 100] },
  version: 1,
  active: true,
  ...overrides,
})
const specs = new Map([
  ['a/b', spec()],
  ['a/off', spec({ id: 'a/off', active: false })],
  ['a/free', spec({ id: 'a/free', quality: undefined })],
])
const reasons = (points: Parameters<typeof validateBatch>[0]) => validateBatch(points, specs, NOW).rejections.map((r) => r.reason)

describe('validateBatch', () => {
  it('accepts a good point, defaulting confidence to 1 and keeping meta and evidence', () => {
    const { accepted, rejections } = validateBatch(
      [{ featureId: 'a/b', ts: '2025-10-20T06:00:00-06:00', value: 5, meta: { k: 1 }, evidence: [{ source: 'x' }] }],
      specs,
      NOW,
    )
    expect(rejections).toEqual([])
    expect(accepted).toEqual([{ featureId: 'a/b', ts: NOW, value: 5, confidence: 1, meta: { k: 1 }, evidence: [{ source: 'x' }], knownAt: null }])
  })

  it('takes known_at from the source as the instant the version became known', () => {
    const { accepted } = validateBatch([{ featureId: 'a/b', ts: '2025-10-20T06:00:00-06:00', value: 5, known_at: '2025-10-20T11:00:00Z' }], specs, NOW)
    expect(accepted[0]?.knownAt).toBe(Date.parse('2025-10-20T11:00:00Z'))
  })

  it.each([
    [{ featureId: 'x/y', ts: '2025-10-20T00:00:00Z', value: 1 }, 'unknown_feature'],
    [{ featureId: 'a/off', ts: '2025-10-20T00:00:00Z', value: 1 }, 'inactive_feature'],
    [{ featureId: 'a/b', ts: '20/10/2025', value: 1 }, 'invalid_ts'],
    [{ featureId: 'a/b', ts: '2025-02-30T00:00:00Z', value: 1 }, 'invalid_ts'],
    [{ featureId: 'a/b', ts: '2025-10-19T24:00:00Z', value: 1 }, 'invalid_ts'],
    [{ featureId: 'a/b', ts: '0000-01-01T00:00:00Z', value: 1 }, 'invalid_ts'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00', value: 1 }, 'invalid_ts'],
    [{ featureId: 'a/b', ts: new Date(NOW + FUTURE_TOLERANCE_MS + 1).toISOString(), value: 1 }, 'future_ts'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: Number.POSITIVE_INFINITY }, 'non_finite_value'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: Number.NaN }, 'non_finite_value'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 1, confidence: -0.1 }, 'invalid_confidence'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 1, confidence: Number.NaN }, 'invalid_confidence'],
    [{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 100.0001 }, 'out_of_range'],
  ])('rejects %j as %s', (point, reason) => {
    expect(reasons([point])).toEqual([reason])
  })

  it('accepts the boundaries: range ends, confidence 0 and 1, exactly 5 minutes ahead, no range at all', () => {
    const ahead = new Date(NOW + FUTURE_TOLERANCE_MS).toISOString()
    expect(
      reasons([
        { featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 0, confidence: 0 },
        { featureId: 'a/b', ts: '2025-10-20T01:00:00Z', value: 100, confidence: 1 },
        { featureId: 'a/b', ts: ahead, value: 50 },
        { featureId: 'a/free', ts: '2025-10-20T00:00:00Z', value: -1e300 },
      ]),
    ).toEqual([])
  })

  it('keeps the last of duplicate (featureId, ts), however the instant is written', () => {
    const { accepted, rejections } = validateBatch(
      [
        { featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 1 },
        { featureId: 'a/b', ts: '2025-10-19T18:00:00-06:00', value: 2 },
        { featureId: 'a/free', ts: '2025-10-20T00:00:00Z', value: 3 },
      ],
      specs,
      NOW,
    )
    expect(rejections).toEqual([{ index: 0, featureId: 'a/b', reason: 'duplicate_in_batch', message: expect.any(String) }])
    expect(accepted.map((p) => p.value)).toEqual([2, 3])
  })

  it('does not count a rejected later point as a duplicate of an earlier good one', () => {
    expect(reasons([{ featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 1 }, { featureId: 'a/b', ts: '2025-10-20T00:00:00Z', value: 500 }])).toEqual(['out_of_range'])
  })
})
