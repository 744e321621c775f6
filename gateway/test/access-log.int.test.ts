import { Writable } from 'node:stream'
import { createTokenSigner } from '@lav/shared'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HS_AUTH, startFakeUpstream, startGateway, type FakeUpstream } from './harness'

let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(async () => {
  await upstream.close()
})

describe('access log', () => {
  it('writes one line per request with method, route, status, duration, subject and correlation id — and no token', async () => {
    const lines: Record<string, unknown>[] = []
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
        done()
      },
    })
    const { app } = await startGateway({ upstreams: { features: upstream.url, liquidity: upstream.url }, logger: pino({ level: 'info' }, sink) })
    const token = createTokenSigner(HS_AUTH)({ sub: 'carol', scope: 'oracle.reader' })
    await app.inject({ method: 'GET', url: '/api/features/v1/latest?featureId=a%2Fb', headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'trace-7' } })
    const access = lines.filter((line) => line.msg === 'access')
    expect(access).toHaveLength(1)
    expect(access[0]).toMatchObject({ method: 'GET', route: '/api/features/v1/latest', status: 200, sub: 'carol', correlationId: 'trace-7' })
    expect(access[0]?.durationMs).toEqual(expect.any(Number))
    expect(JSON.stringify(lines)).not.toContain(token)
    await app.close()
  })
})
