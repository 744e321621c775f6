import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultStack, type FaultStack } from './support/fault-stack'
import { runPostgresCrash } from './support/postgres-crash'

let stack: FaultStack
beforeAll(async () => {
  stack = await startFaultStack()
}, 180_000)
afterAll(async () => {
  await stack?.stop()
}, 60_000)

describe('PostgreSQL crashed (pg_ctl stop -m immediate) while clients publish through the gateway', () => {
  it('loses no acknowledged point, writes no batch in part, answers only 503 meanwhile, and recovers without a service restart', async () => {
    const pids = [stack.store.pid(), stack.gateway.pid()]
    const result = await runPostgresCrash(stack, { clients: 4, okBefore: 40, okAfter: 40, failuresDuring: 8, maxMs: 120_000 })

    expect(result.acknowledged).toBeGreaterThanOrEqual(80)
    expect(result.lost).toEqual([])
    expect(result.partial).toEqual([])
    expect(result.unexpected.map((op) => [op.status, op.code, op.error])).toEqual([])
    expect(result.summary.status503).toBeGreaterThanOrEqual(8)
    // Every failed batch was either written whole (its answer was lost in the crash) or not at all...
    expect(result.failedPresent + result.failedAbsent).toBe(result.summary.sent - result.acknowledged)
    // ...and sending it again after recovery is safe: accepted, and then present with its value.
    expect(result.retried).toEqual({ sent: result.summary.sent - result.acknowledged, ok: result.retried.sent, allPresent: true })
    expect([stack.store.pid(), stack.gateway.pid()]).toEqual(pids)
  }, 240_000)
})
