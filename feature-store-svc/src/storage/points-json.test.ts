import { describe, expect, it } from 'vitest'
import { isoFromPg } from './points-json'

describe('isoFromPg', () => {
  it.each([
    ['2025-10-20 06:00:00+00', '2025-10-20T06:00:00.000Z'],
    ['2025-10-20 06:00:00.5+00', '2025-10-20T06:00:00.500Z'],
    ['2025-10-20 06:00:00.12+00', '2025-10-20T06:00:00.120Z'],
    ['2025-10-20 06:00:00.123456+00', '2025-10-20T06:00:00.123Z'],
    ['2025-10-20 06:00:00.999999+00', '2025-10-20T06:00:00.999Z'],
  ])('%s → %s (truncated to ms like Date)', (text, iso) => {
    expect(isoFromPg(text)).toBe(iso)
    expect(new Date(Date.parse(iso)).toISOString()).toBe(iso)
  })
})
