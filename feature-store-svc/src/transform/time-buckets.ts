import type { Interval } from '@lav/shared/contracts'
import { DAY_MS, HOUR_MS } from '@lav/shared/time'

/** Length of the buckets that are a fixed count of wall-clock minutes (no calendar involved). */
const WALL_CLOCK_INTERVAL_MS: Partial<Record<Interval, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '1h': HOUR_MS,
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter) return formatter
  try {
    // h23: with `hour12: false` some engines print midnight as "24", which would shift a day.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch {
    throw new RangeError(`unknown IANA time zone "${timeZone}"`)
  }
  formatters.set(timeZone, formatter)
  return formatter
}

/**
 * The wall-clock time of `ms` in `timeZone`, expressed as if that wall clock were UTC
 * ("local epoch ms"); `wall - ms` is then the zone's offset at that instant.
 */
function wallClockMs(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields
  const subSecond = ((ms % 1000) + 1000) % 1000
  return Date.UTC(year, month - 1, day, hour, minute, second) + subSecond
}

/** Offset of `timeZone` from UTC at the instant `ms`, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) - ms
}

/**
 * The instant at which the wall clock of `timeZone` reads `wallMs`. A wall time skipped by a
 * DST jump is read with the offset from before the jump (Temporal's "compatible" rule), so a
 * midnight that never happens (America/Santiago in September) resolves to the jump itself:
 * the first existing moment of that day.
 */
export function wallClockToInstant(wallMs: number, timeZone: string, offsetHintMs = 0): number {
  const firstGuess = wallMs - offsetHintMs
  const offsetAtGuess = zoneOffsetMs(firstGuess, timeZone)
  if (offsetAtGuess === offsetHintMs) return firstGuess
  const secondGuess = wallMs - offsetAtGuess
  const offsetAtSecond = zoneOffsetMs(secondGuess, timeZone)
  if (offsetAtSecond === offsetAtGuess) return secondGuess
  // Neither offset maps back to wallMs: it lies in a gap, which ends at the earlier-offset reading.
  return wallMs - Math.min(offsetAtGuess, offsetAtSecond)
}

/** Local calendar day (as UTC midnight of the same Y-M-D) that contains the wall time. */
function wallMidnight(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS) * DAY_MS
}

/** Days since the last Monday for a wall-clock midnight (0 on Monday … 6 on Sunday). */
function daysSinceMonday(wallMidnightMs: number): number {
  return (new Date(wallMidnightMs).getUTCDay() + 6) % 7
}

/**
 * Start of the bucket of `interval` that contains the instant `ms`, with buckets aligned to the
 * wall clock of `timeZone`: minutes and hours on the local clock (so Asia/Kolkata hours start at
 * :30 UTC), days at local midnight, weeks at local midnight on Monday. Across a DST change a day
 * lasts 23 or 25 hours, and the repeated autumn hour forms two distinct hourly buckets.
 */
export function bucketStart(ms: number, interval: Interval, timeZone = 'UTC'): number {
  if (!Number.isFinite(ms)) throw new RangeError(`bucketStart: instant must be finite, got ${ms}`)
  const offset = zoneOffsetMs(ms, timeZone)
  const wall = ms + offset
  const fixedSize = WALL_CLOCK_INTERVAL_MS[interval]
  if (fixedSize !== undefined) {
    // The instant's own offset is kept, so 01:30 EDT and 01:30 EST floor to different hours.
    return ms - (wall - Math.floor(wall / fixedSize) * fixedSize)
  }
  const dayStartWall = wallMidnight(wall)
  if (interval === '1d') return wallClockToInstant(dayStartWall, timeZone, offset)
  if (interval === '1w') {
    const mondayWall = dayStartWall - daysSinceMonday(dayStartWall) * DAY_MS
    return wallClockToInstant(mondayWall, timeZone, offset)
  }
  throw new RangeError(`bucketStart: unknown interval "${String(interval)}"`)
}
