import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AGGREGATES, defaultState, ENTITIES, explorerSearch, FREQUENCIES, INTERVALS, isNewHistoryStep, parseExplorerSearch, type ExplorerState } from './public/explorer-state.js'

describe('parseExplorerSearch', () => {
  it('reads every filter, the feature and the series settings', () => {
    const { state, ignored } = parseExplorerSearch('?entity=macro&frequency=1d&tags=gl,fed&q=balance&feature=macro/us/walcl_total_usd&window=custom&since=2025-01-01T00:00:00Z&until=2025-02-01T00:00:00%2B01:00&agg=avg&interval=1d')
    expect(ignored).toEqual([])
    expect(state).toEqual({
      entity: 'macro',
      frequency: '1d',
      tags: ['fed', 'gl'],
      q: 'balance',
      feature: 'macro/us/walcl_total_usd',
      window: 'custom',
      since: '2025-01-01T00:00:00.000Z',
      until: '2025-01-31T23:00:00.000Z',
      agg: 'avg',
      interval: '1d',
    })
  })

  it('ignores each bad param with a note that names it, and keeps the rest', () => {
    const { state, ignored } = parseExplorerSearch('?entity=planet&frequency=2h&feature=Not%20An%20Id&window=1y&agg=median&tags=gl&colour=red&tags=fed')
    expect(state).toEqual({ ...defaultState(), tags: ['gl'] })
    expect(ignored).toEqual([
      'entity=planet: not one of asset, pair, market, macro',
      'frequency=2h: not one of tick, 1m, 5m, 1h, 1d, 1w',
      'feature=Not An Id: not a feature id',
      'window=1y: not one of 7d, 30d, 90d, custom',
      'agg=median: not one of last, first, avg, sum, min, max, count',
      'colour=red: not a parameter of this page',
      'tags: given more than once, the first is used',
    ])
  })

  it('refuses a custom window without both ends in order, and ends without a custom window', () => {
    expect(parseExplorerSearch('?window=custom&since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z')).toEqual({
      state: defaultState(),
      ignored: ['window=custom: needs since and until, since not after until; showing 30d'],
    })
    expect(parseExplorerSearch('?window=custom&since=2025-02-01').ignored).toEqual([
      'since=2025-02-01: not an ISO instant with an offset (2025-10-20T00:00:00Z)',
      'window=custom: needs since and until, since not after until; showing 30d',
    ])
    expect(parseExplorerSearch('?window=7d&since=2025-02-01T00:00:00Z').ignored).toEqual(['since: only used with window=custom'])
  })

  it('refuses instants the API refuses (year 0000 parses in JavaScript, not in PostgreSQL)', () => {
    expect(parseExplorerSearch('?window=custom&since=0000-01-01T00:00:00Z&until=0000-02-01T00:00:00Z').state.window).toBe('30d')
  })

  it('drops an interval without an aggregate, as POST /query would refuse it', () => {
    expect(parseExplorerSearch('?interval=1h')).toEqual({ state: defaultState(), ignored: ['interval: needs agg'] })
  })

  it('shortens a long bad value in its note', () => {
    const { ignored } = parseExplorerSearch(`?entity=${'x'.repeat(100)}`)
    expect(ignored[0]).toBe(`entity=${'x'.repeat(40)}…: not one of asset, pair, market, macro`)
  })
})

describe('explorerSearch', () => {
  it('leaves defaults out, so the plain page has a plain address', () => {
    expect(explorerSearch(defaultState())).toBe('')
    expect(explorerSearch({ ...defaultState(), tags: ['b', 'a'], feature: 'a/b' })).toBe('?tags=a%2Cb&feature=a%2Fb')
  })

  const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString())
  const tag = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/)
  const validState: fc.Arbitrary<ExplorerState> = fc
    .record({
      entity: fc.option(fc.constantFrom(...ENTITIES), { nil: null }),
      frequency: fc.option(fc.constantFrom(...FREQUENCIES), { nil: null }),
      tags: fc.uniqueArray(tag, { maxLength: 5 }).map((tags) => tags.sort()),
      q: fc.string({ maxLength: 30 }).filter((text) => text.trim() === text),
      feature: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}(\/[a-z0-9][a-z0-9_.-]{0,10}){1,3}$/), { nil: null }),
      window: fc.constantFrom('7d', '30d', '90d', 'custom'),
      ends: fc.tuple(instant, instant).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
      agg: fc.option(fc.constantFrom(...AGGREGATES), { nil: null }),
      interval: fc.option(fc.constantFrom(...INTERVALS), { nil: null }),
    })
    .map(({ ends, ...rest }) => ({
      ...rest,
      since: rest.window === 'custom' ? (ends[0] as string) : null,
      until: rest.window === 'custom' ? (ends[1] as string) : null,
      interval: rest.agg === null ? null : rest.interval,
    }))

  it('round-trips every valid view through the address with nothing ignored (property)', () => {
    fc.assert(
      fc.property(validState, (state) => {
        const parsed = parseExplorerSearch(explorerSearch(state))
        expect(parsed.ignored).toEqual([])
        expect(parsed.state).toEqual(state)
      }),
      { numRuns: 500 },
    )
  })
})

describe('isNewHistoryStep', () => {
  it('pushes for every change but typing in the search box', () => {
    const base = defaultState()
    expect(isNewHistoryStep(base, { ...base, q: 'walcl' })).toBe(false)
    expect(isNewHistoryStep(base, { ...base, entity: 'macro' })).toBe(true)
    expect(isNewHistoryStep(base, { ...base, feature: 'a/b' })).toBe(true)
    expect(isNewHistoryStep(base, { ...base, tags: ['gl'] })).toBe(true)
  })
})
