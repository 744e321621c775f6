import { describe, expect, it } from 'vitest'
import { createTaskPool } from './task-pool'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('the upload task pool', () => {
  it('never runs more than its limit at once', async () => {
    const pool = createTaskPool(2)
    let running = 0
    let peak = 0
    for (let i = 0; i < 8; i++) {
      await pool.add(async () => {
        running++
        peak = Math.max(peak, running)
        await tick()
        running--
      })
    }
    await pool.drain()
    expect(peak).toBe(2)
    expect(running).toBe(0)
  })

  it('stops taking work after a failure and reports it', async () => {
    const pool = createTaskPool(1)
    await pool.add(async () => {
      throw new Error('S3 said no')
    })
    await expect(pool.add(async () => {})).rejects.toThrow('S3 said no')
    await expect(pool.drain()).rejects.toThrow('S3 said no')
  })

  it('feed: a producer that fails still lets the tasks in flight settle before the failure is reported', async () => {
    const pool = createTaskPool(4)
    let finished = 0
    const feeding = pool.feed(async () => {
      for (let i = 0; i < 3; i++) {
        await pool.add(async () => {
          await tick()
          finished++
        })
      }
      throw new Error('the cursor broke')
    })
    await expect(feeding).rejects.toThrow('the cursor broke')
    expect(finished).toBe(3)
  })
})
