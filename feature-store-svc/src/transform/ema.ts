/**
 * One EMA step: α·value + (1 − α)·previous, seeded by the value itself when there is no
 * previous (the liquidity method's "at the first available one e = s").
 */
export function emaStep(previous: number | null, value: number, alpha: number): number {
  return previous === null ? value : alpha * value + (1 - alpha) * previous
}

/**
 * Exponential moving average of a series with gaps. A null input is skipped: it neither
 * updates the average nor resets it, so the output there repeats the last average (or is null
 * before the first value). The output has one entry per input, in the same order.
 */
export function ema(values: readonly (number | null)[], alpha: number): (number | null)[] {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`ema: alpha must be in (0, 1], got ${alpha}`)
  let average: number | null = null
  return values.map((value) => {
    if (value !== null) average = emaStep(average, value, alpha)
    return average
  })
}
