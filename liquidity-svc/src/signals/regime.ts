import type { RegimeState } from '@lav/shared/contracts'

/** The inputs of the rules at one instant; null is "unavailable", and a comparison with it is false. */
export interface CandidateInputs {
  e: number
  flow: number | null
  yoy: number | null
  upRrp: boolean | null
  upTga: boolean | null
}

export interface Thresholds {
  hi: number
  lo: number
}

const above = (value: number | null, bound: number) => value !== null && value > bound
const below = (value: number | null, bound: number) => value !== null && value < bound

/** The state the rules give at one instant (method step 7). */
export function candidateState(inputs: CandidateInputs, { hi, lo }: Thresholds): RegimeState {
  if (inputs.e > hi && above(inputs.flow, 0) && above(inputs.yoy, 0)) return 'verde'
  if (inputs.e < lo || (inputs.upRrp === true && inputs.upTga === true && below(inputs.flow, 0))) return 'rojo'
  return 'amarillo'
}

/**
 * The confirmed state at each instant (method step 8). The first candidate sets the state; a
 * different candidate takes over only when every instant in [t − window, t] that has a candidate
 * has that same one. Instants without a candidate keep the state as it was (null before any).
 */
export function confirmStates(instants: readonly number[], candidates: readonly (RegimeState | null)[], windowMs: number): (RegimeState | null)[] {
  let state: RegimeState | null = null
  return candidates.map((candidate, index) => {
    if (candidate === null) return state
    if (state === null || (candidate !== state && heldThroughout(instants, candidates, index, windowMs))) state = candidate
    return state
  })
}

function heldThroughout(instants: readonly number[], candidates: readonly (RegimeState | null)[], index: number, windowMs: number): boolean {
  const from = (instants[index] as number) - windowMs
  for (let j = index - 1; j >= 0 && (instants[j] as number) >= from; j--) {
    const earlier = candidates[j] ?? null
    if (earlier !== null && earlier !== candidates[index]) return false
  }
  return true
}
