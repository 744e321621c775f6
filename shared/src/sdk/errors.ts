import { ErrorBodySchema, type ErrorBody } from '../contracts/error'

export type FeatureStoreErrorInit = {
  message: string
  status: number
  code: string
  body?: ErrorBody | string | null
  correlationId?: string
  cause?: unknown
}

/** Every failure the SDK throws; transport failures have `status: 0`. */
export class FeatureStoreError extends Error {
  override name = 'FeatureStoreError'
  readonly status: number
  readonly code: string
  /** The API's error body when it has the contract's shape, otherwise the raw text. */
  readonly body: ErrorBody | string | null
  readonly correlationId: string | undefined

  constructor(init: FeatureStoreErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.status = init.status
    this.code = init.code
    this.body = init.body ?? null
    this.correlationId = init.correlationId
  }
}

export class FeatureStoreTimeoutError extends FeatureStoreError {
  override name = 'FeatureStoreTimeoutError'

  constructor(message: string, correlationId: string | undefined, cause: unknown) {
    super({ message, status: 0, code: 'TIMEOUT', correlationId, cause })
  }
}

export class FeatureStoreNetworkError extends FeatureStoreError {
  override name = 'FeatureStoreNetworkError'

  constructor(message: string, correlationId: string | undefined, cause: unknown) {
    super({ message, status: 0, code: 'NETWORK', correlationId, cause })
  }
}

export function isFeatureStoreError(value: unknown): value is FeatureStoreError {
  return value instanceof FeatureStoreError
}

function parseErrorBody(text: string): ErrorBody | null {
  try {
    const json: unknown = JSON.parse(text)
    // Keep the original object: the schema would strip fields a newer server may add.
    return ErrorBodySchema.safeParse(json).success ? (json as ErrorBody) : null
  } catch {
    return null
  }
}

/** Builds the error for a non-2xx answer; `what` names the call, e.g. "GET /catalog". */
export function errorFromResponse(what: string, status: number, text: string, correlationId?: string): FeatureStoreError {
  const body = parseErrorBody(text)
  const code = body?.code ?? `HTTP_${status}`
  const detail = body?.message ?? (text.slice(0, 200) || 'no body')
  return new FeatureStoreError({
    message: `${what} failed with ${status} ${code}: ${detail}`,
    status,
    code,
    body: body ?? text,
    correlationId,
  })
}
