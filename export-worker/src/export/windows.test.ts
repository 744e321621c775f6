import { describe, expect, it } from 'vitest'
import { alignDown, compactInstant, dayOfKey, manifestKey, partKey, WINDOW_MS, windowAt } from './windows'

const at = (iso: string) => Date.parse(iso)

describe('export windows and keys', () => {
  it('aligns windows on quarter hours of UTC', () => {
    expect(alignDown(at('2025-10-20T10:14:59.999Z'))).toBe(at('2025-10-20T10:00:00Z'))
    expect(alignDown(at('2025-10-20T10:15:00Z'))).toBe(at('2025-10-20T10:15:00Z'))
    expect(windowAt(at('2025-10-20T23:45:00Z'))).toEqual({ start: at('2025-10-20T23:45:00Z'), end: at('2025-10-21T00:00:00Z') })
    expect(WINDOW_MS).toBe(900_000)
  })

  it('names files {featureId}/dt={day}/part-{start}-{end}.parquet, continuations numbered', () => {
    const window = windowAt(at('2025-10-20T10:15:00Z'))
    expect(compactInstant(window.start)).toBe('20251020T101500Z')
    expect(partKey('macro/us/walcl_total_usd', '2025-10-15', window)).toBe('macro/us/walcl_total_usd/dt=2025-10-15/part-20251020T101500Z-20251020T103000Z.parquet')
    expect(partKey('a/b', '2025-10-15', window, 2)).toBe('a/b/dt=2025-10-15/part-20251020T101500Z-20251020T103000Z-2.parquet')
  })

  it('puts manifests under _manifests/dt={day of the window}/', () => {
    expect(manifestKey(windowAt(at('2025-10-20T23:45:00Z')))).toBe('_manifests/dt=2025-10-20/window-20251020T234500Z-20251021T000000Z.json')
  })

  it('reads the dt day back from a key, and nothing from other keys', () => {
    expect(dayOfKey('macro/us/walcl_total_usd/dt=2024-01-31/part-x.parquet')).toBe('2024-01-31')
    expect(dayOfKey('_manifests/dt=2024-01-31/window-x.json')).toBe('2024-01-31')
    expect(dayOfKey('notes/readme.txt')).toBeNull()
    expect(dayOfKey('a/xdt=2024-01-31/f')).toBeNull()
  })
})
