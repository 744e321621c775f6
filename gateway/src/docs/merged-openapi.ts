export interface UpstreamDocSource {
  name: string
  url: string
}

type OpenApiDocument = {
  openapi: string
  info: Record<string, unknown>
  paths: Record<string, unknown>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
  security: unknown[]
  [key: string]: unknown
}

// Service plumbing, not API: the gateway does not expose these.
const PRIVATE_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json'])

export interface MergedDocs {
  refreshIfStale(): Promise<void>
  current(): OpenApiDocument
}

/**
 * One OpenAPI document for the whole API, merged from each service's /openapi.json (built from
 * its zod schemas). Kept for `maxAgeMs`; an upstream that cannot be read is listed, not fatal.
 */
export function createMergedDocs(sources: UpstreamDocSource[], maxAgeMs = 30_000, timeoutMs = 1_000): MergedDocs {
  let document = emptyDocument([])
  let fetchedAt = -Infinity
  const fetchOne = async (source: UpstreamDocSource) => {
    const response = await fetch(`${source.url}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) throw new Error(`${source.name} answered ${response.status}`)
    return (await response.json()) as OpenApiDocument
  }
  return {
    async refreshIfStale() {
      if (Date.now() - fetchedAt < maxAgeMs) return
      const results = await Promise.allSettled(sources.map(fetchOne))
      const unavailable = sources.filter((_, index) => results[index]?.status === 'rejected').map((source) => source.name)
      const merged = emptyDocument(unavailable)
      for (const result of results) if (result.status === 'fulfilled') mergeInto(merged, result.value)
      document = merged
      fetchedAt = unavailable.length === 0 ? Date.now() : Date.now() - maxAgeMs + 5_000
    },
    current: () => document,
  }
}

function emptyDocument(unavailable: string[]): OpenApiDocument {
  return {
    openapi: '3.0.3',
    info: {
      title: 'LAV API',
      version: '1',
      description: `Every path is served through the gateway with a Bearer JWT.${unavailable.length ? ` Not reachable right now: ${unavailable.join(', ')}.` : ''}`,
    },
    paths: {},
    components: { schemas: {}, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
  }
}

function mergeInto(target: OpenApiDocument, source: OpenApiDocument): void {
  for (const [path, item] of Object.entries(source.paths ?? {})) if (!PRIVATE_PATHS.has(path)) target.paths[path] = item
  Object.assign(target.components.schemas, source.components?.schemas ?? {})
}
