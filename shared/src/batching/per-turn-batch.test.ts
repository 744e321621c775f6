import { describe, expect, it } from 'vitest'
import { perTurnBatcher, type TurnBatch } from './per-turn-batch'

describe('perTurnBatcher', () => {
  it('hands the calls of one event-loop turn to one send, grouped by key in call order', async () => {
    const batches: string[][] = []
    const read = perTurnBatcher<string>(async (batch: TurnBatch<string>) => {
      batches.push([...batch.keys()])
      for (const [key, waiters] of batch) waiters.forEach((waiter, index) => waiter.resolve(`${key}#${index}`))
    })
    const sameTurn = await Promise.all([read('a'), read('b'), read('a')])
    expect(sameTurn).toEqual(['a#0', 'b#0', 'a#1'])
    expect(await read('a')).toBe('a#0')
    expect(batches).toEqual([['a', 'b'], ['a']])
  })

  it('sends a batch only after the turn in which its calls were made', async () => {
    const events: string[] = []
    const read = perTurnBatcher<number>(async (batch) => {
      events.push('send')
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.resolve(1)
    })
    const pending = read('k')
    events.push('call made')
    await new Promise((resolve) => process.nextTick(resolve))
    events.push('next tick')
    await pending
    expect(events).toEqual(['call made', 'next tick', 'send'])
  })

  it('rejects every waiter a failed send left unsettled', async () => {
    const read = perTurnBatcher<number>(async (batch) => {
      batch.get('ok')?.forEach((waiter) => waiter.resolve(7))
      throw new Error('redis down')
    })
    const [ok, failed] = await Promise.allSettled([read('ok'), read('other')])
    expect(ok).toEqual({ status: 'fulfilled', value: 7 })
    expect(failed).toMatchObject({ status: 'rejected', reason: new Error('redis down') })
  })

  it('with maxInFlight, holds the next batch open while one is in flight and sends it when that settles', async () => {
    const sends: { keys: string[]; finish: () => void }[] = []
    const read = perTurnBatcher<string>(
      (batch) =>
        new Promise<void>((finish) => {
          sends.push({ keys: [...batch.keys()], finish: () => (batch.forEach((waiters, key) => waiters.forEach((waiter) => waiter.resolve(key))), finish()) })
        }),
      { maxInFlight: 1 },
    )
    const first = read('a')
    await new Promise((resolve) => setImmediate(resolve))
    expect(sends.map((send) => send.keys)).toEqual([['a']])
    // Three later turns while 'a' is in flight: their calls wait in one batch.
    const later: Promise<string>[] = []
    for (const key of ['b', 'c', 'b']) {
      later.push(read(key))
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(sends).toHaveLength(1)
    sends[0]!.finish()
    expect(await first).toBe('a')
    await new Promise((resolve) => setImmediate(resolve))
    expect(sends.map((send) => send.keys)).toEqual([['a'], ['b', 'c']])
    sends[1]!.finish()
    expect(await Promise.all(later)).toEqual(['b', 'c', 'b'])
  })

  it('with maxInFlight, never answers a call from a send that started before the call was made', async () => {
    let version = 0
    const read = perTurnBatcher<number>(
      async (batch) => {
        const seen = version
        await new Promise((resolve) => setTimeout(resolve, 1))
        batch.forEach((waiters) => waiters.forEach((waiter) => waiter.resolve(seen)))
      },
      { maxInFlight: 1 },
    )
    const before = read('k')
    await new Promise((resolve) => setImmediate(resolve))
    version = 1 // a write acknowledged while the first batch is in flight
    const after = read('k')
    expect(await before).toBe(0)
    expect(await after).toBe(1)
  })

  it('with maxInFlight, a failed send frees its slot for the batch waiting behind it', async () => {
    let calls = 0
    const read = perTurnBatcher<number>(
      async (batch) => {
        calls++
        await new Promise((resolve) => setTimeout(resolve, 1))
        if (calls === 1) throw new Error('redis timeout')
        batch.forEach((waiters) => waiters.forEach((waiter) => waiter.resolve(calls)))
      },
      { maxInFlight: 1 },
    )
    const first = read('k')
    await new Promise((resolve) => setImmediate(resolve))
    const second = read('k')
    await expect(first).rejects.toThrow('redis timeout')
    expect(await second).toBe(2)
  })
})
