import { cpuPerRequest } from './support/cpu-accounting'
import { auth, serviceGet } from './support/http'
import { measurePair, runLoad, type LoadOptions, type Pair } from './support/load'
import { row, type Row } from './support/report'
import { API, type Stack } from './support/stack'

const CONNECTIONS = 10
const WARMUP_S = 2
const DURATION_S = 8
const FIXED_RATE = 2_000

export interface GatewayDetails {
  /** CPU µs per request of each process in a short saturated run, through the gateway and direct. */
  cpuPerRequest: { viaGateway: Record<string, number>; direct: Record<string, number> }
  /** bench/support/bare-proxy.ts against the direct call: the floor of one proxy hop on this machine. */
  minimalProxy: { saturated: Pair; fixedRate: Pair }
  /** Through the gateway and direct, both with consistency=strong, at the fixed rate. */
  strongFixedRate: Pair
}

/**
 * GET /latest through the gateway (JWT check, Redis rate limit, breaker, proxy) against the same
 * call straight to feature-store-svc, as fast as 10 connections go and at a fixed 2,000 req/s.
 * The bare-Fastify figure of the latest bench is the third reference.
 */
export async function benchGateway(stack: Stack, featureId: string): Promise<{ rows: Row[]; details: GatewayDetails }> {
  const path = `${API}/latest?featureId=${encodeURIComponent(featureId)}`
  await serviceGet(stack, `/latest?featureId=${encodeURIComponent(featureId)}`)
  const viaGateway: LoadOptions = { url: `${stack.gatewayUrl}${path}`, headers: auth(stack), connections: CONNECTIONS, durationS: DURATION_S }
  const direct: LoadOptions = { url: `${stack.serviceUrl}${path}`, headers: auth(stack), connections: CONNECTIONS, durationS: DURATION_S }
  const strong = (options: LoadOptions): LoadOptions => ({ ...options, url: `${options.url}&consistency=strong` })
  const bareProxy: LoadOptions = { ...viaGateway, url: `${stack.bareProxyUrl}${path}` }
  const saturated = await measurePair(viaGateway, direct, WARMUP_S)
  const fixed = await measurePair({ ...viaGateway, overallRate: FIXED_RATE }, { ...direct, overallRate: FIXED_RATE }, 0)
  // consistency=strong: every read goes past the near-cache to Redis, as all of them did before it.
  const strongFixed = await measurePair({ ...strong(viaGateway), overallRate: FIXED_RATE }, { ...strong(direct), overallRate: FIXED_RATE }, 0)
  // The same hop with nothing on it: what any proxy costs here, apart from the gateway's features.
  const floor = await measurePair(bareProxy, direct, WARMUP_S)
  const floorFixed = await measurePair({ ...bareProxy, overallRate: FIXED_RATE }, { ...direct, overallRate: FIXED_RATE }, 0)
  // Where the CPU goes: with every process on the same cores, throughput is CPU per request.
  const { bench, service, gateway, redis } = stack.pids
  const onThePath = { bench, service, gateway, redis }
  const cpu = {
    viaGateway: await cpuPerRequest(onThePath, () => runLoad({ ...viaGateway, durationS: 4 })),
    direct: await cpuPerRequest(onThePath, () => runLoad({ ...direct, durationS: 4 })),
  }
  const rate = `gateway GET /latest @${FIXED_RATE.toLocaleString('en-US')} req/s`
  const total = (usage: Record<string, number>) => Object.values(usage).reduce((sum, us) => sum + us, 0)
  return {
    rows: [
      row(`gateway GET /latest vs direct, ${CONNECTIONS} connections`, 'req/s', saturated.service.rps, saturated.baseline.rps, { kind: 'min-ratio', value: 0.6 }),
      row(`${rate}, p99 (near-cache; baseline: direct)`, 'ms', fixed.service.p99Ms, fixed.baseline.p99Ms, { kind: 'max-result', value: 2 }),
      row(`${rate}, added p99`, 'ms', fixed.service.p99Ms - fixed.baseline.p99Ms, fixed.baseline.p99Ms, { kind: 'max-result', value: 1 }),
      row(`${rate}?consistency=strong, p99 (baseline: direct, strong)`, 'ms', strongFixed.service.p99Ms, strongFixed.baseline.p99Ms),
      row('gateway GET /latest CPU per request, all processes (baseline: direct)', 'µs', total(cpu.viaGateway), total(cpu.direct)),
      row(`minimal proxy (Fastify + undici only) GET /latest vs direct, ${CONNECTIONS} connections`, 'req/s', floor.service.rps, floor.baseline.rps),
      row(`minimal proxy GET /latest @${FIXED_RATE.toLocaleString('en-US')} req/s, added p99`, 'ms', floorFixed.service.p99Ms - floorFixed.baseline.p99Ms, floorFixed.baseline.p99Ms),
      row(`gateway vs minimal proxy, ${CONNECTIONS} connections (what auth, rate limit, breaker, metrics cost)`, 'req/s', saturated.service.rps, floor.service.rps),
    ],
    details: { cpuPerRequest: cpu, minimalProxy: { saturated: floor, fixedRate: floorFixed }, strongFixedRate: strongFixed },
  }
}
