import { Writable } from 'node:stream'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createBaseApp } from '../http/base-app'

/** A service app as every server.ts builds it (logger options, not an instance), its log lines captured. */
async function appWithCapturedLog() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const app = await createBaseApp({ registry: new Registry(), logger: { level: 'info', stream } as { level: string } })
  app.get('/echo', async (request) => {
    // What a handler logging the request's headers would write: they must not leak the token.
    request.log.info({ headers: request.headers }, 'handled')
    return { ok: true }
  })
  return { app, lines }
}

describe('service logs', () => {
  it('carry the correlation id on every line of a request, and never the Authorization header', async () => {
    const { app, lines } = await appWithCapturedLog()
    const response = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: 'Bearer secret-token-value', 'x-correlation-id': 'corr-42' } })
    expect(response.headers['x-correlation-id']).toBe('corr-42')
    const ofRequest = lines.filter((line) => line.correlationId === 'corr-42')
    expect(ofRequest.map((line) => line.msg)).toEqual(['incoming request', 'handled', 'request completed'])
    expect(JSON.stringify(lines)).not.toContain('secret-token-value')
    expect(ofRequest[1]).toMatchObject({ headers: { authorization: '[redacted]', 'x-correlation-id': 'corr-42' } })
    await app.close()
  })

  it('replace an unsafe correlation id with a fresh one, echoed and logged', async () => {
    const { app, lines } = await appWithCapturedLog()
    const response = await app.inject({ method: 'GET', url: '/echo', headers: { 'x-correlation-id': 'bad id\nwith newline' } })
    const id = response.headers['x-correlation-id']
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines.filter((line) => line.correlationId === id)).toHaveLength(3)
    await app.close()
  })
})
