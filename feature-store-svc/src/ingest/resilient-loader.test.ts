import { describe, expect, it } from 'vitest'
import { BrokenCircuitError } from 'cockatiel'
import type { FeatureSpec, PublishPoint } from '@lav/shared/contracts'
import { createResilientLoader, SourceCircuitOpenError, type LoaderEvent } from './resilient-loader'
import { SourceError } from './adapters/source-errors'
import type { SourceAdapter } from './source-adapter'

const spec: FeatureSpec = {
  id: 'test/flaky/series',
  entity: 'market',
  description: 'a feature for loader tests',
  unit: 'USD',
  frequency: '1d',
  ttl_ms: 86_400_000,
  tags: [],
  source: { id: 'flaky', class: 'derived', schema: 'flaky_v1' },
  active: true,
  version: 1,
}
const POINTS: PublishPoint[] = [{ featureId: spec.id, ts: '2025-10-20T00:00:00Z', value: 1 }]

/** An adapter that fails its first `failures` loads, then answers; `calls` counts every load. */
function flakyAdapter(failures: number): SourceAdapter & { calls: number; failures: number } {
  const fake = {
    name: 'flaky',
    calls: 0,
    failures,
    async load(): Promise<PublishPoint[]> {
      fake.calls++
      if (fake.calls <= fake.failures) throw new Error(`flaky failure ${fake.calls}`)
      return POINTS
    },
  }
  return fake
}

const fast = { initialDelayMs: 1, maxDelayMs: 5 }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createResilientLoader retries', () => {
  it('retries until the source answers', async () => {
    const source = flakyAdapter(2)
    const events: LoaderEvent[] = []
    const loader = createResilientLoader(source, { ...fast, attempts: 3, onEvent: (event) => events.push(event) })
    await expect(loader.load(spec)).resolves.toEqual(POINTS)
    expect(source.calls).toBe(3)
    expect(events.map((event) => event.type)).toEqual(['retry', 'retry'])
    expect(loader.name).toBe('flaky')
  })

  it('gives up after the configured attempts with the source error', async () => {
    const source = flakyAdapter(5)
    const events: LoaderEvent[] = []
    const loader = createResilientLoader(source, { ...fast, attempts: 3, onEvent: (event) => events.push(event) })
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 3')
    expect(source.calls).toBe(3)
    expect(events.at(-1)).toMatchObject({ type: 'give_up', adapter: 'flaky' })
  })

  it('passes since and until through', async () => {
    const seen: Array<[number | undefined, number | undefined]> = []
    const source: SourceAdapter = {
      name: 'recorder',
      async load(_spec, since, until) {
        seen.push([since, until])
        return []
      },
    }
    await createResilientLoader(source, fast).load(spec, 10, 20)
    expect(seen).toEqual([[10, 20]])
  })
})

describe('createResilientLoader circuit breaker', () => {
  it('opens after consecutive failed loads and then fails fast without calling the source', async () => {
    const source = flakyAdapter(Number.POSITIVE_INFINITY)
    const events: LoaderEvent[] = []
    const loader = createResilientLoader(source, {
      ...fast,
      attempts: 2,
      breakerThreshold: 2,
      halfOpenAfterMs: 60_000,
      onEvent: (event) => events.push(event),
    })
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 2')
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 4')
    expect(events.some((event) => event.type === 'breaker_open')).toBe(true)

    const started = Date.now()
    const failure = await loader.load(spec).catch((error: unknown) => error)
    expect(Date.now() - started).toBeLessThan(50)
    expect(failure).toBeInstanceOf(SourceCircuitOpenError)
    expect(failure).toBeInstanceOf(BrokenCircuitError)
    expect((failure as Error).message).toContain('source "flaky"')
    expect(source.calls).toBe(4)
  })

  it('lets a trial load through once half-open and closes when it succeeds', async () => {
    const source = flakyAdapter(2)
    const events: LoaderEvent[] = []
    const loader = createResilientLoader(source, {
      ...fast,
      attempts: 1,
      breakerThreshold: 2,
      halfOpenAfterMs: 40,
      onEvent: (event) => events.push(event),
    })
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 1')
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 2')
    await expect(loader.load(spec)).rejects.toBeInstanceOf(SourceCircuitOpenError)
    await sleep(80)
    await expect(loader.load(spec)).resolves.toEqual(POINTS)
    const breakerEvents = events.filter((event) => event.type.startsWith('breaker_')).map((event) => event.type)
    expect(breakerEvents).toEqual(['breaker_open', 'breaker_half_open', 'breaker_closed'])
    expect(source.calls).toBe(3)
  })

  it('reopens when the trial load fails', async () => {
    const source = flakyAdapter(Number.POSITIVE_INFINITY)
    const loader = createResilientLoader(source, { ...fast, attempts: 1, breakerThreshold: 1, halfOpenAfterMs: 40 })
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 1')
    await sleep(80)
    await expect(loader.load(spec)).rejects.toThrow('flaky failure 2')
    await expect(loader.load(spec)).rejects.toBeInstanceOf(SourceCircuitOpenError)
    expect(source.calls).toBe(2)
  })
})

describe('createResilientLoader options', () => {
  it('rejects nonsensical settings', () => {
    expect(() => createResilientLoader(flakyAdapter(0), { attempts: 0 })).toThrow('attempts must be a positive integer')
    expect(() => createResilientLoader(flakyAdapter(0), { breakerThreshold: 1.5 })).toThrow('breakerThreshold')
  })
})

describe('createResilientLoader and source errors', () => {
  it('does not retry a permanent source error (a 400, a payload it cannot read) but retries a transient one', async () => {
    let calls = 0
    const failing = (transient: boolean): SourceAdapter => ({
      name: 'fred',
      async load() {
        calls++
        throw new SourceError('fred: HTTP 400', 'fred', { status: 400, transient })
      },
    })
    await expect(createResilientLoader(failing(false), fast).load(spec)).rejects.toThrow('fred: HTTP 400')
    expect(calls).toBe(1)
    calls = 0
    await expect(createResilientLoader(failing(true), fast).load(spec)).rejects.toThrow('fred: HTTP 400')
    expect(calls).toBe(3)
  })
})
