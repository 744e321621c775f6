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

/**
 * Walks the occupied slots, not every slot of the window: a window of thousands of years holds
 * billions of minute slots, and a loop over them blocked the event loop for seconds (the schema
 * fuzzer's /dq?since=1970-… answers timed out other requests). The work is the points' count.
 */
export function computeCoverage(since: number, until: number, slotMs: number | null, occupied: number[], observedPoints?: number): Coverage {
  if (slotMs === null) return { ratio: null, expected: null, observed: observedPoints ?? occupied.length, gaps: [] }
  const expected = slotCount(since, until, slotMs)
  const filled = [...new Set(occupied.filter((slot) => slot >= 0 && slot < expected))].sort((a, b) => a - b)
  const gaps: Coverage['gaps'] = []
  const slotStart = (slot: number) => since + slot * slotMs
  let firstUnseen = 0
  for (const slot of [...filled, expected]) {
    if (slot > firstUnseen) gaps.push({ from: new Date(slotStart(firstUnseen)).toISOString(), to: new Date(slot === expected ? until : slotStart(slot)).toISOString() })
    firstUnseen = slot + 1
  }
  return { ratio: filled.length / expected, expected, observed: filled.length, gaps }
}
