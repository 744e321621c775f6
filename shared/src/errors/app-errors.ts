import createError from '@fastify/error'

// Named errors with codes: the `code` is what clients branch on, the message is for people.
export const FeatureNotFoundError = createError<[string]>('FEATURE_NOT_FOUND', 'feature not found: %s', 404)
export const FeaturesNotFoundError = createError<[string]>('FEATURE_NOT_FOUND', 'unknown feature ids: %s', 404)
export const NoDataError = createError<[string]>('NO_DATA', 'no data published yet for %s', 404)
export const UnauthorizedError = createError<[string]>('UNAUTHORIZED', '%s', 401)
export const ForbiddenError = createError<[string]>('FORBIDDEN', '%s', 403)
export const BadRequestError = createError<[string]>('BAD_REQUEST', '%s', 400)
export const PayloadTooLargeError = createError<[number]>('PAYLOAD_TOO_LARGE', 'the request body is over the limit of %d bytes', 413)
export const ConflictError = createError<[string]>('CONFLICT', '%s', 409)
export const StorageUnavailableError = createError<[string]>('STORAGE_UNAVAILABLE', '%s', 503)
export const RateLimitedError = createError<[string]>('RATE_LIMITED', 'rate limit exceeded, retry in %s s', 429)
export const UpstreamUnavailableError = createError<[string]>('UPSTREAM_UNAVAILABLE', '%s is unavailable (circuit open), retry later', 503)
export const FeatureStoreUnavailableError = createError<[string]>('FEATURE_STORE_UNAVAILABLE', '%s', 503)
