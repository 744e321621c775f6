import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/source-fixtures'
import { parseFredPage } from './fred-adapter'

describe('parseFredPage', () => {
  it('reads string values, "." and "" as missing, realtime_start and the paging counters', () => {
    const page = parseFredPage(fixtureJson('fred-rrpontsyd.json'), 'fred:RRPONTSYD')
    expect(page.count).toBe(5)
    expect(page.offset).toBe(0)
    expect(page.observations.map((row) => row.value)).toEqual([140.241, 139.806, 98.657, null, null])
    expect(page.observations[2]).toEqual({ date: '2025-01-08', value: 98.657, realtimeStart: '2025-01-09' })
  })

  it('refuses a payload without observations or with a bad date, naming source and field', () => {
    expect(() => parseFredPage({ error_code: 400 }, 'fred:WALCL')).toThrow('fred:WALCL: observations is not an array (got undefined)')
    expect(() => parseFredPage({ observations: [{ date: '2025/01/01', value: '1' }] }, 'fred:WALCL')).toThrow(/fred:WALCL: observations\[0\]\.date is not a YYYY-MM-DD date/)
  })
})

