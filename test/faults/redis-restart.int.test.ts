import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultStack, type FaultStack } from './support/fault-stack'
import { runRedisRestart } from './support/redis-restart'

let stack: FaultStack
beforeAll(async () => {
  stack = await startFaultStack({ persistentRedis: true })
}, 180_000)
afterAll(async () => {
  await stack?.stop()
}, 60_000)

describe('Redis killed and restarted (with its append-only file) under publish and /latest load through the gateway', () => {
  it('answers every request, fails the rate limit open and resumes it, and never serves a value older than an acknowledged publish', async () => {
    const pids = [stack.store.pid(), stack.gateway.pid()]
    const result = await runRedisRestart(stack, { readers: 3, opsPerPhase: 60, maxMs: 120_000 })

    expect(result.unexpected.map((op) => [op.request.kind, op.status, op.code, op.error])).toEqual([])
    expect(result.stale).toEqual([])
    expect(result.acknowledged).toBeGreaterThanOrEqual(9)
    expect(result.bypassed).toBeGreaterThan(0)
    // The run ends once 60 answers after the restart carried the limit's headers again.
    expect(result.limitedAfter).toBeGreaterThanOrEqual(60)
    expect([stack.store.pid(), stack.gateway.pid()]).toEqual(pids)
  }, 240_000)
})
