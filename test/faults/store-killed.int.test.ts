import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultStack, type FaultStack } from './support/fault-stack'
import { runStoreKilled } from './support/store-killed'

let stack: FaultStack
beforeAll(async () => {
  stack = await startFaultStack({ liquidity: true })
}, 180_000)
afterAll(async () => {
  await stack?.stop()
}, 60_000)

describe('feature-store-svc killed (SIGKILL) while the gateway and liquidity-svc are under load', () => {
  it('answers only the documented 502/503s, opens both breakers, and recovers once the store is back, nothing else restarted', async () => {
    const pids = [stack.gateway.pid(), stack.liquidity?.pid()]
    const result = await runStoreKilled(stack, { clients: 4, opsPerPhase: 40, maxMs: 120_000 })

    expect(result.unexpected.map((op) => [op.request, op.status, op.code, op.error])).toEqual([])
    expect(result.breakerOpened).toEqual({ features: true, liquidity: true })
    expect(result.okAfterRestart.features).toBeGreaterThanOrEqual(40)
    expect(result.okAfterRestart.liquidity).toBeGreaterThanOrEqual(40)
    expect(result.recovered).toBe(true)
    expect([stack.gateway.pid(), stack.liquidity?.pid()]).toEqual(pids)
  }, 240_000)
})
