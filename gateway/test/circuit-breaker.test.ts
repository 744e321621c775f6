import { describe, expect, it } from 'vitest'
import { createCircuitBreaker } from '../src/resilience/circuit-breaker'

function breakerAt(clock: { now: number }) {
  const states: string[] = []
  const breaker = createCircuitBreaker({ windowMs: 60_000, minRequests: 20, failureRatio: 0.1, openMs: 30_000, now: () => clock.now, onStateChange: (s) => states.push(s) })
  return { breaker, states }
}

/** n requests 100 ms apart; `failed(i)` says which fail. The window is judged at every answer. */
function run(breaker: ReturnType<typeof createCircuitBreaker>, clock: { now: number }, n: number, failed: (i: number) => boolean) {
  for (let i = 0; i < n; i++) {
    clock.now += 100
    const ticket = breaker.tryAcquire()
    if (ticket.allowed) breaker.record(!failed(i), ticket.probe)
  }
}

describe('circuit breaker', () => {
  it('opens when more than 10% of at least 20 answers in the window failed', () => {
    const clock = { now: 0 }
    const { breaker } = breakerAt(clock)
    run(breaker, clock, 100, (i) => i % 20 < 3) // 15%
    expect(breaker.state()).toBe('open')
    expect(breaker.tryAcquire()).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) })
  })

  it('stays closed at 5%, at exactly 10%, and on 1 failure in 2 requests', () => {
    const clock = { now: 0 }
    const five = breakerAt(clock).breaker
    run(five, clock, 100, (i) => i % 20 === 19)
    expect(five.state()).toBe('closed')
    const ten = breakerAt(clock).breaker
    run(ten, clock, 100, (i) => i % 10 === 9)
    expect(ten.state()).toBe('closed')
    const two = breakerAt(clock).breaker
    run(two, clock, 2, (i) => i === 0)
    expect(two.state()).toBe('closed')
  })

  it('forgets failures older than the window', () => {
    const clock = { now: 0 }
    const { breaker } = breakerAt(clock)
    run(breaker, clock, 10, () => true)
    clock.now += 61_000
    run(breaker, clock, 30, (i) => i % 10 === 9) // never above 10% of the window
    expect(breaker.state()).toBe('closed')
  })

  it('after openMs lets exactly one probe through; its success closes the circuit', () => {
    const clock = { now: 0 }
    const { breaker, states } = breakerAt(clock)
    run(breaker, clock, 20, () => true) // opens on the 20th answer
    clock.now += 29_000
    expect(breaker.tryAcquire().allowed).toBe(false)
    clock.now += 2_000
    const probe = breaker.tryAcquire()
    expect(probe).toEqual({ allowed: true, probe: true })
    expect(breaker.state()).toBe('half-open')
    expect(breaker.tryAcquire().allowed).toBe(false)
    breaker.record(true, true)
    expect(breaker.state()).toBe('closed')
    expect(states).toEqual(['open', 'half-open', 'closed'])
  })

  it('a failed probe opens it again for another openMs', () => {
    const clock = { now: 0 }
    const { breaker } = breakerAt(clock)
    run(breaker, clock, 40, () => true)
    clock.now += 31_000
    breaker.record(false, (breaker.tryAcquire() as { probe: boolean }).probe)
    expect(breaker.state()).toBe('open')
    clock.now += 29_000
    expect(breaker.tryAcquire().allowed).toBe(false)
  })

  it('gives up on a probe that never reports back', () => {
    const clock = { now: 0 }
    const { breaker } = breakerAt(clock)
    run(breaker, clock, 40, () => true)
    clock.now += 31_000
    expect(breaker.tryAcquire().allowed).toBe(true)
    clock.now += 31_000
    expect(breaker.tryAcquire()).toEqual({ allowed: true, probe: true })
  })
})
