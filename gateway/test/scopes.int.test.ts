import { createTokenSigner } from '@lav/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HS_AUTH, startFakeUpstream, startGateway, type FakeUpstream } from './harness'

const sign = createTokenSigner(HS_AUTH)
type Need = 'oracle.reader' | 'oracle.publisher' | 'oracle.admin'
const ROUTES: Array<{ method: 'GET' | 'POST' | 'DELETE'; url: string; needs: Need }> = [
  { method: 'GET', url: '/api/features/v1/catalog', needs: 'oracle.reader' },
  { method: 'GET', url: '/api/features/v1/catalog/macro%2Fus%2Fwalcl_total_usd', needs: 'oracle.reader' },
  { method: 'POST', url: '/api/features/v1/catalog', needs: 'oracle.admin' },
  { method: 'DELETE', url: '/api/features/v1/catalog/macro%2Fus%2Fwalcl_total_usd', needs: 'oracle.admin' },
  { method: 'GET', url: '/api/features/v1/latest?featureId=a%2Fb', needs: 'oracle.reader' },
  { method: 'POST', url: '/api/features/v1/query', needs: 'oracle.reader' },
  { method: 'POST', url: '/api/features/v1/publish', needs: 'oracle.publisher' },
  { method: 'GET', url: '/api/features/v1/dq', needs: 'oracle.reader' },
  { method: 'GET', url: '/api/liquidity/v1/regime/latest', needs: 'oracle.reader' },
  { method: 'GET', url: '/api/liquidity/v1/regime/history?since=2025-01-01T00:00:00Z', needs: 'oracle.reader' },
  { method: 'GET', url: '/api/liquidity/v1/scoreboard', needs: 'oracle.reader' },
  { method: 'GET', url: '/api/liquidity/v1/hints', needs: 'oracle.reader' },
]
const RANK: Record<string, number> = { '': 0, 'oracle.reader': 1, 'oracle.publisher': 2, 'oracle.admin': 3 }

let features: FakeUpstream
let liquidity: FakeUpstream
let gateway: Awaited<ReturnType<typeof startGateway>>

beforeAll(async () => {
  features = await startFakeUpstream()
  liquidity = await startFakeUpstream()
  gateway = await startGateway({ upstreams: { features: features.url, liquidity: liquidity.url } })
})
afterAll(async () => {
  await gateway.app.close()
  await features.close()
  await liquidity.close()
})

describe('route × scope matrix', () => {
  for (const route of ROUTES) {
    for (const scope of Object.keys(RANK)) {
      const allowed = RANK[scope] as number >= (RANK[route.needs] as number)
      it(`${route.method} ${route.url.split('?')[0]} as "${scope || 'no scope'}" → ${allowed ? 'forwarded' : '403'}`, async () => {
        const upstream = route.url.startsWith('/api/liquidity') ? liquidity : features
        const before = upstream.calls.length
        const response = await gateway.app.inject({
          method: route.method,
          url: route.url,
          headers: { authorization: `Bearer ${sign({ sub: 'matrix', scope })}`, 'content-type': 'application/json' },
          ...(route.method === 'POST' ? { payload: '{}' } : {}),
        })
        if (allowed) {
          expect(response.statusCode).toBe(200)
          expect(upstream.calls.length).toBe(before + 1)
          expect(upstream.calls.at(-1)).toMatchObject({ method: route.method, url: route.url })
        } else {
          expect(response.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' })
          expect(upstream.calls.length).toBe(before)
        }
      })
    }
  }
})
