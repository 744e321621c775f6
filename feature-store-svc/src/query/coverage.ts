import type { Coverage } from '@lav/shared/contracts'

/**
 * The window [since, until] is cut into floor((until − since) / slot) slots of the feature's
 * frequency starting at `since` (at least one); the last slot also takes the remainder, so a
 * window of exactly 30 days holds 30 daily slots and a point at `until` still counts.
 */
export function slotCount(since: number, until: number, slotMs: number): number {
  return Math.max(1, Math.floor((until - since) / slotMs))
}

/** The slot of an instant of the window; one at `until` falls in the last slot. */
export function slotIndex(ts: number, since: number, slotMs: number, count: number): number {
  return Math.min(Math.floor((ts - since) / slotMs), count - 1)
}

export function computeCoverage(since: number, until: number, slotMs: number | null, occupied: number[], observedPoints?: number): Coverage {
  if (slotMs === null) return { ratio: null, expected: null, observed: observedPoints ?? occupied.length, gaps: [] }
  const expected = slotCount(since, until, slotMs)
  const filled = new Set(occupied.filter((slot) => slot >= 0 && slot < expected))
  const gaps: Coverage['gaps'] = []
  let gapStart: number | null = null
  const slotStart = (slot: number) => since + slot * slotMs
  for (let slot = 0; slot <= expected; slot++) {
    const empty = slot < expected && !filled.has(slot)
    if (empty && gapStart === null) gapStart = slot
    if (!empty && gapStart !== null) {
      const end = slot === expected ? until : slotStart(slot)
      gaps.push({ from: new Date(slotStart(gapStart)).toISOString(), to: new Date(end).toISOString() })
      gapStart = null
    }
  }
  return { ratio: filled.size / expected, expected, observed: filled.size, gaps }
}
