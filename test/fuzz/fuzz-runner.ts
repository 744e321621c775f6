import { Readable } from 'node:stream'
import fc from 'fast-check'
import type postgres from 'postgres'
import { Agent, request } from 'undici'
import type { HttpCase, RouteFuzzer } from './route-cases'
import { checkPublishWrote, databaseNow, storeFingerprint } from './store-writes'

export interface FuzzTarget {
  gatewayUrl: string
  /** A token whose scopes cover every route, so cases get past auth to validation. */
  token: string
  /** The feature store's database, to see what a write route changed. */
  sql: postgres.Sql
}

export interface RouteReport {
  route: string
  cases: number
  ok2xx: number
  client4xx: number
  server5xx: number
  /** 4xx without a `message`, or an answer that is not the JSON error model. */
  noMessage: number
  partialWrites: number
  ms: number
  /** The first few failing cases, what was sent and what came back. */
  failures: string[]
  /** A few 4xx answers, to see what the cases hit (FUZZ_VERBOSE=1 prints them). */
  samples: string[]
}

interface Answer {
  status: number
  body: unknown
  text: string
}

const WRITE_METHODS = new Set(['POST', 'DELETE', 'PUT', 'PATCH'])
const READ_ONLY_POSTS = new Set(['POST /api/features/v1/query'])
const CHUNK = 500

export function createSender(target: FuzzTarget) {
  const dispatcher = new Agent({ connections: 8, headersTimeout: 60_000, bodyTimeout: 60_000 })
  const send = async (test: HttpCase): Promise<Answer> => {
    const answer = await request(`${target.gatewayUrl}${test.url}`, {
      method: test.method as 'GET',
      headers: { ...test.headers, authorization: `Bearer ${target.token}` },
      body: test.chunked && test.body !== undefined ? Readable.from([test.body]) : test.body,
      dispatcher,
    })
    const text = await answer.body.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { status: answer.statusCode, body, text }
  }
  return { send, close: () => dispatcher.close() }
}

const hasMessage = (body: unknown) => typeof (body as { message?: unknown } | undefined)?.message === 'string' && ((body as { message: string }).message.trim().length > 0)

/**
 * Runs `count` generated cases of one route, plus its 10 MB body twice (with a content-length, then chunked), through the gateway.
 * Write routes run one case at a time with the store's fingerprint around each, so a change is
 * pinned on the case that made it; read routes run four at a time.
 */
export async function fuzzRoute(target: FuzzTarget, fuzzer: RouteFuzzer, count: number, seed: number): Promise<RouteReport> {
  const sender = createSender(target)
  const report: RouteReport = { route: fuzzer.route, cases: 0, ok2xx: 0, client4xx: 0, server5xx: 0, noMessage: 0, partialWrites: 0, ms: 0, failures: [], samples: [] }
  const writes = WRITE_METHODS.has(fuzzer.method) && !READ_ONLY_POSTS.has(fuzzer.route)
  const started = performance.now()
  const fail = (test: HttpCase, answer: Answer | undefined, why: string) => {
    if (report.failures.length < 5) report.failures.push(`${why}: ${test.label} → ${answer?.status ?? '-'} ${answer?.text.slice(0, 300) ?? ''}`)
  }
  // Write cases run one at a time and nothing else writes, so the fingerprint after one case is
  // the fingerprint before the next: one query per case instead of two.
  let fingerprint = writes ? await storeFingerprint(target.sql) : ''
  const runOne = async (test: HttpCase) => {
    const before = writes ? { fingerprint, at: await databaseNow(target.sql) } : undefined
    const answer = await sender.send(test).catch((error: Error) => {
      fail(test, undefined, `no answer (${error.message})`)
      return { status: 599, body: undefined, text: '' }
    })
    report.cases++
    if (answer.status >= 500) {
      report.server5xx++
      fail(test, answer, '5xx')
    } else if (answer.status >= 400) {
      report.client4xx++
      if (report.samples.length < 8) report.samples.push(`${test.label.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 200)}`)
      if (!hasMessage(answer.body)) {
        report.noMessage++
        fail(test, answer, '4xx without a message')
      }
    } else report.ok2xx++
    if (before) fingerprint = await checkWrites(target, fuzzer, test, answer, before, report, fail)
  }
  try {
    for (const huge of fuzzer.huge()) await runOne(huge)
    for (let offset = 0; offset < count; offset += CHUNK) {
      const batch = fc.sample(fuzzer.cases, { numRuns: Math.min(CHUNK, count - offset), seed: seed + offset })
      if (writes) for (const test of batch) await runOne(test)
      else await inParallel(batch, 4, runOne)
    }
  } finally {
    await sender.close()
  }
  report.ms = performance.now() - started
  return report
}

/** Checks what a write case did to the store; returns the store's fingerprint after it. */
async function checkWrites(target: FuzzTarget, fuzzer: RouteFuzzer, test: HttpCase, answer: Answer, before: { fingerprint: string; at: Date }, report: RouteReport, fail: (test: HttpCase, answer: Answer, why: string) => void): Promise<string> {
  const after = await storeFingerprint(target.sql)
  let wrong: string | null = null
  if (answer.status >= 400) {
    if (after !== before.fingerprint) wrong = `a ${answer.status} changed the database`
  } else if (fuzzer.route.endsWith('/publish')) {
    wrong = await checkPublishWrote(target.sql, String(test.body), answer.body as Parameters<typeof checkPublishWrote>[2], before.at)
  }
  if (wrong) {
    report.partialWrites++
    fail(test, answer, `partial write (${wrong})`)
  }
  return after
}

async function inParallel<T>(items: T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T)
  }
  await Promise.all(Array.from({ length: width }, worker))
}
