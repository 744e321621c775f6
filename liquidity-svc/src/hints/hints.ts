import type { Hint, Hints, HintStance, RegimeOutput, RegimeState } from '@lav/shared/contracts'
import { COMPONENTS, type ComponentId } from '../signals/types'

type HintKind = 'directional' | 'market_neutral' | 'yield'

// liquidity-method.md, "Hints": advisory stances per state, never orders.
const STANCES: Record<RegimeState, Record<HintKind, HintStance>> = {
  verde: { directional: 'increase', market_neutral: 'neutral', yield: 'increase' },
  amarillo: { directional: 'neutral', market_neutral: 'increase', yield: 'neutral' },
  rojo: { directional: 'reduce', market_neutral: 'increase', yield: 'reduce' },
}

const WHY: Record<RegimeState, Record<HintKind, string>> = {
  verde: {
    directional: 'expanding liquidity supports directional exposure',
    market_neutral: 'no reason to lean market-neutral while liquidity expands',
    yield: 'expanding liquidity supports yield strategies',
  },
  amarillo: {
    directional: 'a mixed regime gives no directional edge',
    market_neutral: 'market-neutral positioning suits a mixed regime',
    yield: 'a mixed regime gives no reason to change yield exposure',
  },
  rojo: {
    directional: 'contracting liquidity argues for less directional risk',
    market_neutral: 'market-neutral positioning protects while liquidity contracts',
    yield: 'contracting liquidity argues for less yield risk',
  },
}

/** The three advisory hints for a regime output; each rationale names the components behind it. */
export function hintsFor(output: RegimeOutput): Hints {
  const context = contextOf(output)
  const hint = (kind: HintKind): Hint => ({ stance: STANCES[output.state][kind], rationale: `${context}: ${WHY[output.state][kind]}.` })
  return { directional: hint('directional'), market_neutral: hint('market_neutral'), yield: hint('yield'), state: output.state, advisory_only: true }
}

function contextOf(output: RegimeOutput): string {
  if (output.score_raw === null) return `${output.state} by default: too little fresh data for a score (missing ${output.dq.missing.length}, stale ${output.dq.stale.length})`
  return `${output.state} (score ${output.score.toFixed(1)}, confidence ${output.confidence.toFixed(2)}), ${driversOf(output)}`
}

/** Verde is driven by the positive components, rojo by the negative ones, amarillo by all of them. */
function driversOf(output: RegimeOutput): string {
  const available = COMPONENTS.flatMap((component) => {
    const value = output.components[component]
    return value === null ? [] : [{ component, value }]
  })
  const sign = output.state === 'verde' ? 1 : output.state === 'rojo' ? -1 : 0
  const drivers = available.filter(({ value }) => sign === 0 || value * sign > 0).sort((a, b) => Math.abs(b.value) - Math.abs(a.value))
  if (available.length === 0) return 'no component available'
  // Rojo with no negative component can only come from the second rule.
  if (drivers.length === 0) return sign < 0 ? 'driven by rising RRP and TGA with ETF outflows' : 'no component on its side'
  const text = drivers.map(({ component, value }) => `${label(component)} ${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`).join(', ')
  return sign === 0 ? `components mixed: ${text}` : `driven by ${text}`
}

const label = (component: ComponentId) => component.toUpperCase()
