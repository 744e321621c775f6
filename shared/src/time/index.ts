// An ISO 8601 instant with an explicit offset: a string without one would be read in the
// server's local zone, so the same request could mean two instants on two machines.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i

/** Milliseconds since the epoch, or null when `text` is not an ISO instant with an offset. */
export function parseInstant(text: string): number | null {
  if (!ISO_INSTANT.test(text) || !isRealCalendarDate(text)) return null
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : null
}

// Date.parse rolls 2025-02-30 over to March 2nd, and T24:00 over to the next day; a date or an
// hour that does not exist is an error here.
function isRealCalendarDate(text: string): boolean {
  if (Number(text.slice(11, 13)) > 23) return false
  const day = Number(text.slice(8, 10))
  if (day <= 28) return true // every month has these days; the common case costs nothing more
  const year = Number(text.slice(0, 4))
  const month = Number(text.slice(5, 7))
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString()
}

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS }

/** "90s", "15m", "1h", "7d" → milliseconds; null when unreadable. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number)
}

/**
 * `promise`, or a rejection "no answer in {ms} ms" when it takes longer. The timer never keeps the
 * process alive and is cleared once the promise settles; the promise itself is not cancelled.
 */
/** What withTimeout rejects with: the promise is still pending (and may yet settle). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer in ${ms} ms`)), ms).unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
