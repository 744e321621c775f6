import type { RegimeOutput } from '@lav/shared/contracts'
import { describe, expect, it } from 'vitest'
import { hintsFor } from './hints'

const output = (state: RegimeOutput['state'], components: RegimeOutput['components'], score_raw: number | null = 1): RegimeOutput => ({
  state,
  candidate: state,
  confidence: 0.8,
  score: score_raw === null ? 50 : 50 + (50 * score_raw) / 3,
  score_raw,
  components,
  coherence: 1,
  updated_at: '2025-10-20T00:00:00.000Z',
  dq: { ok: score_raw !== null, stale: [], missing: score_raw === null ? ['a/b'] : [] },
  signals: [],
})

describe('hints', () => {
  it('follows the table of the method, advisory only', () => {
    const stances = (state: RegimeOutput['state']) => {
      const hints = hintsFor(output(state, { gl: 1, cn: -1, mp: 0.5 }))
      expect(hints).toMatchObject({ state, advisory_only: true })
      return [hints.directional.stance, hints.market_neutral.stance, hints.yield.stance]
    }
    expect(stances('verde')).toEqual(['increase', 'neutral', 'increase'])
    expect(stances('amarillo')).toEqual(['neutral', 'increase', 'neutral'])
    expect(stances('rojo')).toEqual(['reduce', 'increase', 'reduce'])
  })

  it('names the components that drive the state, strongest first', () => {
    expect(hintsFor(output('verde', { gl: 0.9, cn: 1.4, mp: -0.2 })).directional.rationale).toMatch(/driven by CN \+1\.40, GL \+0\.90/)
    expect(hintsFor(output('rojo', { gl: -1.2, cn: 0.3, mp: null }, -1)).yield.rationale).toMatch(/driven by GL −1\.20/)
    expect(hintsFor(output('amarillo', { gl: 0.1, cn: -0.4, mp: null }, 0)).market_neutral.rationale).toMatch(/mixed: CN −0\.40, GL \+0\.10/)
    expect(hintsFor(output('rojo', { gl: 0.5, cn: 0.2, mp: 0.1 }, 0.3)).directional.rationale).toMatch(/rising RRP and TGA with ETF outflows/)
  })

  it('says when there is no score to go on', () => {
    expect(hintsFor(output('amarillo', { gl: null, cn: null, mp: null }, null)).directional.rationale).toMatch(/too little fresh data/)
  })
})
