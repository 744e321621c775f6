import { auth, putFixture, redisFixtureUrl, serviceGet } from './support/http'
import { measurePair, type LoadOptions, type Pair } from './support/load'
import { row, type Row } from './support/report'
import { API, type Stack } from './support/stack'

const CONNECTIONS = 10
const WARMUP_S = 2
const DURATION_S = 8
const FIXED_RATE = 2_000

export interface LatestDetails {
  featureId: string
  answerBytes: number
  /** The default read, answered by the near-cache (one Redis read per feature per bound). */
  saturated: Pair
  /** `consistency=strong`: past the near-cache, one Redis read per request, as every read was before it. */
  strong: Pair
  /** Bare Fastify reading the answer from Redis per request, against bare Fastify: the floor of a Redis-backed read. */
  redisFloor: Pair
  fixedRate: Pair
  strongFixedRate: Pair
}

/**
 * GET /latest as fast as 10 connections go, then at a fixed 2,000 req/s, each beside the bare
 * Fastify server answering the very same JSON: the default read (near-cache) and the
 * `consistency=strong` one (Redis). The feature was published just before, so the answers come
 * from the caches, as they do for a dashboard polling a live feature.
 */
export async function benchLatest(stack: Stack, featureId: string): Promise<{ rows: Row[]; details: LatestDetails }> {
  const path = `/latest?featureId=${encodeURIComponent(featureId)}`
  const answer = await serviceGet(stack, path)
  const service: LoadOptions = { url: `${stack.serviceUrl}${API}${path}`, headers: auth(stack), connections: CONNECTIONS, durationS: DURATION_S }
  const strongService: LoadOptions = { ...service, url: `${service.url}&consistency=strong` }
  const baseline: LoadOptions = { url: await putFixture(stack, 'latest', answer), connections: CONNECTIONS, durationS: DURATION_S }

  const saturated = await measurePair(service, baseline, WARMUP_S)
  const strong = await measurePair(strongService, baseline, WARMUP_S)
  const redisFloor = await measurePair({ ...baseline, url: redisFixtureUrl(stack, 'latest') }, baseline, WARMUP_S)
  // Both are warm by now: the fixed-rate runs measure from their first request, one request every
  // 0.5 ms whatever the answers do (open loop, see support/paced-load.ts).
  const fixedRate = await measurePair({ ...service, overallRate: FIXED_RATE }, { ...baseline, overallRate: FIXED_RATE }, 0)
  const strongFixedRate = await measurePair({ ...strongService, overallRate: FIXED_RATE }, { ...baseline, overallRate: FIXED_RATE }, 0)
  const rate = `GET /latest @${FIXED_RATE.toLocaleString('en-US')} req/s`
  const strongRate = `GET /latest?consistency=strong @${FIXED_RATE.toLocaleString('en-US')} req/s`
  const rows = [
    row(`GET /latest (near-cache), ${CONNECTIONS} connections`, 'req/s', saturated.service.rps, saturated.baseline.rps, { kind: 'min-ratio', value: 0.8 }),
    row(`GET /latest?consistency=strong, ${CONNECTIONS} connections`, 'req/s', strong.service.rps, strong.baseline.rps, { kind: 'min-ratio', value: 0.5 }),
    row(`bare Fastify + one Redis read per request vs bare, ${CONNECTIONS} connections (floor of a Redis-backed read)`, 'req/s', redisFloor.service.rps, redisFloor.baseline.rps),
    row(`GET /latest?consistency=strong vs that floor (what auth, validation, metrics and logging cost)`, 'req/s', strong.service.rps, redisFloor.service.rps),
    row(`GET /latest (near-cache) vs that floor`, 'req/s', saturated.service.rps, redisFloor.service.rps),
    row(`${rate}, achieved`, 'req/s', fixedRate.service.rps, fixedRate.baseline.rps),
    row(`${rate}, p50`, 'ms', fixedRate.service.p50Ms, fixedRate.baseline.p50Ms),
    row(`${rate}, p99`, 'ms', fixedRate.service.p99Ms, fixedRate.baseline.p99Ms, { kind: 'max-result', value: 1.3 }),
    row(`${strongRate}, p50`, 'ms', strongFixedRate.service.p50Ms, strongFixedRate.baseline.p50Ms),
    row(`${strongRate}, p99`, 'ms', strongFixedRate.service.p99Ms, strongFixedRate.baseline.p99Ms, { kind: 'max-result', value: 5 }),
  ]
  return { rows, details: { featureId, answerBytes: JSON.stringify(answer).length, saturated, strong, redisFloor, fixedRate, strongFixedRate } }
}
