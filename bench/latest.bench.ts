import { auth, putFixture, serviceGet } from './support/http'
import { warmThenRun, type LoadOptions, type LoadResult } from './support/load'
import { row, type Row } from './support/report'
import { API, type Stack } from './support/stack'

const CONNECTIONS = 10
const WARMUP_S = 2
const DURATION_S = 8
const FIXED_RATE = 2_000

export interface LatestDetails {
  featureId: string
  answerBytes: number
  saturated: { service: LoadResult; baseline: LoadResult }
  fixedRate: { service: LoadResult; baseline: LoadResult }
}

/**
 * GET /latest as fast as 10 connections go, then at a fixed 2,000 req/s, each beside the bare
 * Fastify server answering the very same JSON. The feature was published just before, so the
 * answer comes from the Redis cache, as it does for a dashboard polling a live feature.
 */
export async function benchLatest(stack: Stack, featureId: string): Promise<{ rows: Row[]; details: LatestDetails }> {
  const path = `${API}/latest?featureId=${encodeURIComponent(featureId)}`
  const answer = await serviceGet(stack, path.slice(API.length))
  const service: LoadOptions = { url: `${stack.serviceUrl}${path}`, headers: auth(stack), connections: CONNECTIONS, durationS: DURATION_S }
  const baseline: LoadOptions = { url: await putFixture(stack, 'latest', answer), connections: CONNECTIONS, durationS: DURATION_S }

  const saturated = { service: await warmThenRun(service, WARMUP_S), baseline: await warmThenRun(baseline, WARMUP_S) }
  // Both already warm: the fixed-rate runs start measuring at once.
  const fixedRate = {
    service: await warmThenRun({ ...service, overallRate: FIXED_RATE }, 0),
    baseline: await warmThenRun({ ...baseline, overallRate: FIXED_RATE }, 0),
  }
  const rate = `GET /latest @${FIXED_RATE.toLocaleString('en-US')} req/s`
  const rows = [
    row(`GET /latest, ${CONNECTIONS} connections`, 'req/s', saturated.service.rps, saturated.baseline.rps, { kind: 'min-ratio', value: 0.5 }),
    row(`${rate}, achieved`, 'req/s', fixedRate.service.rps, fixedRate.baseline.rps),
    row(`${rate}, p50`, 'ms', fixedRate.service.p50Ms, fixedRate.baseline.p50Ms),
    row(`${rate}, p99`, 'ms', fixedRate.service.p99Ms, fixedRate.baseline.p99Ms, { kind: 'max-result', value: 5 }),
  ]
  return { rows, details: { featureId, answerBytes: JSON.stringify(answer).length, saturated, fixedRate } }
}
