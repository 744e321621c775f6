import { S3Client } from '@aws-sdk/client-s3'
import type { S3Config } from '../config'

/** SHA-256 (hex) of bodies their caller hashed already, for the signer (see below). */
const payloadHashes = new WeakMap<Uint8Array, string>()

/**
 * Signature V4 signs a hash of the payload; given the header, the signer takes it instead of
 * hashing the body a second time. AWS S3 and MinIO check the body against it (s3rver does not).
 */
export function knownPayloadHash(body: Uint8Array, sha256Hex: string): Uint8Array {
  payloadHashes.set(body, sha256Hex)
  return body
}

/**
 * One client per process. Its middleware stack is resolved once per command class
 * (`cacheMiddleware`): resolving it per call was a tenth of the client's CPU over an export's
 * thousands of PUT and HEAD calls; so middleware lives on the client, never on a command.
 * Checksums only where S3 requires them: since 3.729 the SDK adds CRC32 checksums (and
 * aws-chunked bodies for streams) by default, which several S3-compatible servers (s3rver, older
 * MinIO) store verbatim or reject. Each object's SHA-256 travels in its metadata instead and is
 * checked by HEAD after the upload.
 */
export function createS3Client(config: Pick<S3Config, 'endpoint' | 'region' | 'credentials' | 'forcePathStyle'>): S3Client {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.credentials,
    forcePathStyle: config.forcePathStyle,
    maxAttempts: 3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail a cycle in seconds when S3 is unreachable; BullMQ's backoff does the long waiting.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 60_000 },
    cacheMiddleware: true,
  })
  client.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.input as { Body?: unknown }).Body
      const hash = body instanceof Uint8Array ? payloadHashes.get(body) : undefined
      const request = args.request as { headers?: Record<string, string> }
      if (hash && request.headers) request.headers['x-amz-content-sha256'] = hash
      return next(args)
    },
    { step: 'build', name: 'lavKnownPayloadHash' },
  )
  return client
}
