import { describe, expect, it } from 'vitest'
import { msFromEpochSeconds } from './points-json'

describe('msFromEpochSeconds', () => {
  it.each([
    ['2025-10-20T06:00:00.000Z', 0],
    ['2025-10-20T06:00:00.500Z', 0],
    ['2025-10-20T06:00:00.120Z', 0],
    ['2025-10-20T06:00:00.123Z', 456],
    ['2025-10-20T06:00:00.999Z', 999],
    ['2099-12-31T23:59:59.999Z', 999],
  ])('%s plus %i µs, as PostgreSQL’s float8 epoch, → that millisecond (truncated like Date)', (iso, micros) => {
    const ms = Date.parse(iso)
    // What date_part('epoch', ts) sends: the instant in µs divided by 1e6, correctly rounded.
    const seconds = (ms * 1000 + micros) / 1_000_000
    expect(new Date(msFromEpochSeconds(seconds)).toISOString()).toBe(iso)
  })

  it('truncates every millisecond of a whole day with no µs and with 999 µs', () => {
    const start = Date.parse('2026-11-26T00:00:00.000Z')
    for (let ms = start; ms < start + 86_400_000; ms += 863) {
      expect(msFromEpochSeconds((ms * 1000) / 1_000_000)).toBe(ms)
      expect(msFromEpochSeconds((ms * 1000 + 999) / 1_000_000)).toBe(ms)
    }
  })
})
