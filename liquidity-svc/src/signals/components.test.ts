import { describe, expect, it } from 'vitest'
import { componentValue, componentValues } from './components'
import { clamp } from './zscore'
import type { Feed } from './types'

const FEEDS: Feed[] = [
  { featureId: 'macro/us/walcl', component: 'gl', weight: 1 },
  { featureId: 'macro/us/tga', component: 'gl', weight: -1, role: 'tga' },
  { featureId: 'macro/us/rrp', component: 'gl', weight: -1, role: 'rrp' },
  { featureId: 'cex/agg/depth', component: 'mp', weight: 1 },
  { featureId: 'cex/agg/oi', component: 'mp', weight: 0.5 },
  { featureId: 'dex/agg/liq', component: 'mp', weight: 1 },
]

describe('components (step 3)', () => {
  it('is Σ w·z / Σ |w| over all feeds when all are available', () => {
    // GL: (1·1.5 − 1·(−0.5) − 1·1) / 3 = 1/3; MP: (1·1 + 0.5·2 + 1·(−1)) / 2.5 = 0.4
    const values = componentValues(FEEDS, [1.5, -0.5, 1, 1, 2, -1])
    expect(values.gl).toBeCloseTo(1 / 3, 15)
    expect(values.mp).toBeCloseTo(0.4, 15)
  })

  it('renormalises over the available feeds only', () => {
    // TGA unavailable: (1·1.5 − 1·1) / 2 = 0.25; only OI: 0.5·2 / 0.5 = 2
    expect(componentValues(FEEDS, [1.5, null, 1, null, 2, null])).toMatchObject({ gl: 0.25, mp: 2 })
  })

  it('is unavailable (null, never 0) when no feed is, and for a component without feeds', () => {
    expect(componentValues(FEEDS, [null, null, null, 1, 1, 1])).toEqual({ gl: null, cn: null, mp: 1 })
    expect(componentValue([])).toBeNull()
  })

  it('stays within ±3 exactly', () => {
    expect(componentValue([{ weight: 0.4, z: 3 }, { weight: 0.6, z: 3 }])).toBe(3)
    expect(clamp(7, -3, 3)).toBe(3)
  })
})
