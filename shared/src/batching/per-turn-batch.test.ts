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
})
