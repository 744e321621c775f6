import { describe, expect, it } from 'vitest'
import { bucketStart, wallClockToInstant, zoneOffsetMs } from './time-buckets'

const at = (iso: string): number => Date.parse(iso)
const startIso = (iso: string, interval: Parameters<typeof bucketStart>[1], tz?: string): string =>
  new Date(bucketStart(at(iso), interval, tz)).toISOString()

describe('bucketStart in UTC', () => {
  it('floors minutes, five minutes and hours', () => {
    expect(startIso('2025-01-15T10:37:42.123Z', '1m')).toBe('2025-01-15T10:37:00.000Z')
    expect(startIso('2025-01-15T10:37:42.123Z', '5m')).toBe('2025-01-15T10:35:00.000Z')
    expect(startIso('2025-01-15T10:37:42.123Z', '1h')).toBe('2025-01-15T10:00:00.000Z')
  })

  it('starts days at midnight and weeks on Monday', () => {
    expect(startIso('2025-01-15T10:37:42Z', '1d')).toBe('2025-01-15T00:00:00.000Z')
    // 2025-01-15 is a Wednesday; its Monday is the 13th.
    expect(startIso('2025-01-15T10:37:42Z', '1w')).toBe('2025-01-13T00:00:00.000Z')
    expect(startIso('2025-01-13T00:00:00Z', '1w')).toBe('2025-01-13T00:00:00.000Z')
    // Sunday belongs to the week that began six days earlier.
    expect(startIso('2025-01-19T23:59:59Z', '1w')).toBe('2025-01-13T00:00:00.000Z')
  })

  it('keeps an instant already on a boundary where it is', () => {
    expect(startIso('2025-01-15T10:35:00Z', '5m')).toBe('2025-01-15T10:35:00.000Z')
  })

  it('handles instants before 1970', () => {
    expect(startIso('1969-12-31T23:59:30.500Z', '1m')).toBe('1969-12-31T23:59:00.000Z')
    expect(startIso('1969-12-31T23:59:30Z', '1d')).toBe('1969-12-31T00:00:00.000Z')
  })
})

describe('bucketStart in America/New_York across DST', () => {
  const tz = 'America/New_York'

  it('spring forward 2025-03-09: the day starts at 00:00 EST and lasts 23 hours', () => {
    expect(startIso('2025-03-09T20:00:00Z', '1d', tz)).toBe('2025-03-09T05:00:00.000Z')
    expect(startIso('2025-03-10T03:59:59Z', '1d', tz)).toBe('2025-03-09T05:00:00.000Z')
    expect(startIso('2025-03-10T04:00:00Z', '1d', tz)).toBe('2025-03-10T04:00:00.000Z')
  })

  it('spring forward: 01:59 EST and 03:00 EDT are consecutive hours', () => {
    expect(startIso('2025-03-09T06:59:00Z', '1h', tz)).toBe('2025-03-09T06:00:00.000Z')
    expect(startIso('2025-03-09T07:30:00Z', '1h', tz)).toBe('2025-03-09T07:00:00.000Z')
  })

  it('fall back 2025-11-02: the repeated 01:00 hour gives two buckets', () => {
    expect(startIso('2025-11-02T05:30:00Z', '1h', tz)).toBe('2025-11-02T05:00:00.000Z') // 01:30 EDT
    expect(startIso('2025-11-02T06:30:00Z', '1h', tz)).toBe('2025-11-02T06:00:00.000Z') // 01:30 EST
  })

  it('fall back: the day starts at 00:00 EDT and lasts 25 hours', () => {
    expect(startIso('2025-11-02T12:00:00Z', '1d', tz)).toBe('2025-11-02T04:00:00.000Z')
    expect(startIso('2025-11-03T04:59:59Z', '1d', tz)).toBe('2025-11-02T04:00:00.000Z')
    expect(startIso('2025-11-03T05:00:00Z', '1d', tz)).toBe('2025-11-03T05:00:00.000Z')
  })

  it('weeks start at Monday local midnight even when the DST change falls inside the week', () => {
    // Sunday 2025-03-09 (EDT) belongs to the week of Monday 2025-03-03 00:00 EST.
    expect(startIso('2025-03-09T20:00:00Z', '1w', tz)).toBe('2025-03-03T05:00:00.000Z')
    expect(startIso('2025-03-10T03:59:59Z', '1w', tz)).toBe('2025-03-03T05:00:00.000Z')
    expect(startIso('2025-03-10T04:00:00Z', '1w', tz)).toBe('2025-03-10T04:00:00.000Z')
  })
})

describe('bucketStart in zones with fractional offsets', () => {
  it('Asia/Kolkata (+05:30) hours start at :30 UTC', () => {
    expect(startIso('2025-01-15T10:45:00Z', '1h', 'Asia/Kolkata')).toBe('2025-01-15T10:30:00.000Z') // 16:15 IST
    expect(startIso('2025-01-15T10:15:00Z', '1h', 'Asia/Kolkata')).toBe('2025-01-15T09:30:00.000Z') // 15:45 IST
  })

  it('Asia/Kolkata days start at 18:30 UTC of the previous date', () => {
    expect(startIso('2025-01-15T20:00:00Z', '1d', 'Asia/Kolkata')).toBe('2025-01-15T18:30:00.000Z')
  })

  it('Asia/Kathmandu (+05:45) hours start at :15 UTC', () => {
    expect(startIso('2025-01-15T10:20:00Z', '1h', 'Asia/Kathmandu')).toBe('2025-01-15T10:15:00.000Z')
  })
})

describe('a day whose midnight does not exist', () => {
  it('America/Santiago 2025-09-07 jumps from 00:00 to 01:00, so the day starts at 01:00 -03', () => {
    expect(startIso('2025-09-07T15:00:00Z', '1d', 'America/Santiago')).toBe('2025-09-07T04:00:00.000Z')
    expect(startIso('2025-09-07T03:59:00Z', '1d', 'America/Santiago')).toBe('2025-09-06T04:00:00.000Z')
  })
})

describe('helpers and errors', () => {
  it('reports zone offsets', () => {
    expect(zoneOffsetMs(at('2025-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000)
    expect(zoneOffsetMs(at('2025-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000)
  })

  it('maps a wall time in the spring gap to the first instant after it', () => {
    // 02:30 on 2025-03-09 never happens in New York; read with EST (-5h) it is 07:30Z = 03:30 EDT.
    expect(new Date(wallClockToInstant(at('2025-03-09T02:30:00Z'), 'America/New_York')).toISOString()).toBe(
      '2025-03-09T07:30:00.000Z',
    )
  })

  it('rejects an unknown time zone with a clear message', () => {
    expect(() => bucketStart(0, '1h', 'Mars/Olympus')).toThrow('unknown IANA time zone "Mars/Olympus"')
  })

  it('rejects a non-finite instant', () => {
    expect(() => bucketStart(Number.NaN, '1h')).toThrow(RangeError)
  })
})
