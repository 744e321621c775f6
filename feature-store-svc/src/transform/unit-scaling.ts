/**
 * Each known unit is a power of ten of a base quantity. Keeping the exponent (not a float
 * factor like 0.01) lets a conversion multiply or divide by an exact power of ten, so
 * 25 bps becomes exactly the double 0.0025 instead of 25 * 0.0001 = 0.0025000000000000005.
 */
interface UnitScale {
  readonly base: 'USD' | 'ratio'
  readonly exponent: number
}

const UNIT_SCALES: Readonly<Record<string, UnitScale>> = {
  usd: { base: 'USD', exponent: 0 },
  usd_thousands: { base: 'USD', exponent: 3 },
  usd_millions: { base: 'USD', exponent: 6 },
  usd_billions: { base: 'USD', exponent: 9 },
  usd_trillions: { base: 'USD', exponent: 12 },
  ratio: { base: 'ratio', exponent: 0 },
  percent: { base: 'ratio', exponent: -2 },
  bps: { base: 'ratio', exponent: -4 },
}

// Sources spell the same unit many ways (FRED says "Millions of U.S. Dollars", issuers "USD mn").
const UNIT_ALIASES: Readonly<Record<string, string>> = {
  '$': 'usd',
  'thousands of usd': 'usd_thousands',
  'thousands of u.s. dollars': 'usd_thousands',
  kusd: 'usd_thousands',
  'millions of usd': 'usd_millions',
  'millions of u.s. dollars': 'usd_millions',
  'usd mn': 'usd_millions',
  musd: 'usd_millions',
  'billions of usd': 'usd_billions',
  'billions of u.s. dollars': 'usd_billions',
  'usd bn': 'usd_billions',
  busd: 'usd_billions',
  'trillions of usd': 'usd_trillions',
  'trillions of u.s. dollars': 'usd_trillions',
  'usd tn': 'usd_trillions',
  '%': 'percent',
  pct: 'percent',
  bp: 'bps',
  'basis points': 'bps',
  fraction: 'ratio',
}

export class UnknownConversionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
    reason: string,
  ) {
    super(`cannot convert "${from}" to "${to}": ${reason}`)
    this.name = 'UnknownConversionError'
  }
}

function canonicalUnit(unit: string): string {
  const key = unit.trim().toLowerCase()
  return UNIT_ALIASES[key] ?? key
}

function scaleOf(unit: string): UnitScale | undefined {
  return UNIT_SCALES[canonicalUnit(unit)]
}

function powerOfTenBetween(from: string, to: string): number {
  // A unit this table does not list (index, ratio/8h, …) still converts to itself unchanged.
  if (canonicalUnit(from) === canonicalUnit(to)) return 0
  const source = scaleOf(from)
  const target = scaleOf(to)
  if (!source) throw new UnknownConversionError(from, to, `unknown unit "${from}"`)
  if (!target) throw new UnknownConversionError(from, to, `unknown unit "${to}"`)
  if (source.base !== target.base) {
    throw new UnknownConversionError(from, to, `${source.base} and ${target.base} measure different things`)
  }
  return source.exponent - target.exponent
}

/** True when `scaleValue` can convert between the two units. */
export function canConvert(from: string, to: string): boolean {
  try {
    powerOfTenBetween(from, to)
    return true
  } catch {
    return false
  }
}

/** Multiplier that turns a value in `from` into one in `to` (e.g. USD_millions → USD: 1e6). */
export function conversionFactor(from: string, to: string): number {
  return 10 ** powerOfTenBetween(from, to)
}

/**
 * `value` expressed in `from`, re-expressed in `to`: scaleValue(7.5, 'USD_millions', 'USD') is
 * 7_500_000, scaleValue(25, 'bps', 'ratio') is 0.0025. Throws UnknownConversionError for a unit it
 * does not know or for units of different quantities (USD → ratio).
 */
export function scaleValue(value: number, from: string, to: string): number {
  const exponent = powerOfTenBetween(from, to)
  return exponent >= 0 ? value * 10 ** exponent : value / 10 ** -exponent
}
