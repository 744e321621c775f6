import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fixtureText } from './source-fixtures'

export interface FixtureRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** An answer: a fixture file, or a raw body; `cut` ends the connection halfway through the body. */
export interface FixtureAnswer {
  readonly status?: number
  readonly fixture?: string
  readonly body?: string
  readonly headers?: Record<string, string>
  readonly cut?: boolean
}

export type FixtureRoute = (request: FixtureRequest) => FixtureAnswer | undefined

export interface FixtureServer {
  readonly url: string
  readonly requests: FixtureRequest[]
  /** Requests whose path ends with `suffix`. */
  to(suffix: string): FixtureRequest[]
  close(): Promise<void>
}

/** A real local HTTP server answering recorded-shape payloads, as a source would. Unrouted: 404. */
export async function startFixtureServer(route: FixtureRoute): Promise<FixtureServer> {
  const requests: FixtureRequest[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const recorded = { method: request.method ?? 'GET', url: new URL(request.url ?? '/', 'http://fixture'), headers: request.headers, body }
      requests.push(recorded)
      const answer = route(recorded) ?? { status: 404, body: '{"error":"no fixture"}' }
      const text = answer.body ?? fixtureText(answer.fixture as string)
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...answer.headers })
      if (answer.cut) {
        response.write(text.slice(0, Math.floor(text.length / 2)))
        setTimeout(() => response.destroy(), 10)
        return
      }
      response.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    requests,
    to: (suffix) => requests.filter((request) => request.url.pathname.endsWith(suffix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** ORACLE_SOURCE_MODE and every base URL pointed at `url`, as a sources config env. */
export function sourcesEnvFor(url: string, extra: Record<string, string> = {}): Record<string, string> {
  const bases = ['FRED', 'TREASURY', 'DEFILLAMA_STABLECOINS', 'DEFILLAMA_API', 'SOSOVALUE', 'BINANCE_SPOT', 'BINANCE_FUTURES', 'COINBASE', 'OKX', 'KRAKEN']
  return { ...Object.fromEntries(bases.map((name) => [`${name}_BASE_URL`, `${url}/${name.toLowerCase()}`])), ...extra }
}
