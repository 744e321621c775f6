import { describe, expect, it } from 'vitest'
import { startInProcessSchedule } from './in-process-schedule'

describe('the degraded-mode schedule', () => {
  it('runs each task at start, one at a time, and stop() waits for the running one', async () => {
    const events: string[] = []
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const schedule = startInProcessSchedule(
      [
        { name: 'export', everyMs: 3_600_000, run: async () => (events.push('export start'), await slow, events.push('export end')) },
        { name: 'retention', everyMs: 3_600_000, run: async () => events.push('retention') },
      ],
      { error: () => {} },
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events).toEqual(['export start'])
    const stopped = schedule.stop()
    release()
    await stopped
    expect(events).toEqual(['export start', 'export end'])
  })

  it('logs a failed run and keeps going', async () => {
    const errors: object[] = []
    const schedule = startInProcessSchedule([{ name: 'export', everyMs: 5, run: async () => Promise.reject(new Error('PostgreSQL is down')) }], { error: (o) => errors.push(o) })
    await new Promise((resolve) => setTimeout(resolve, 40))
    await schedule.stop()
    expect(errors.length).toBeGreaterThan(1)
  })
})
