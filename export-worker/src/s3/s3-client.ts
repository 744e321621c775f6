import { S3Client } from '@aws-sdk/client-s3'
import type { S3Config } from '../config'

/**
 * One client per process. Checksums only where S3 requires them: since 3.729 the SDK adds
 * CRC32 checksums (and aws-chunked bodies for streams) by default, which several S3-compatible
 * servers (s3rver, older MinIO) store verbatim or reject. Each object's SHA-256 travels in its
 * metadata instead and is checked by HEAD after the upload.
 */
export function createS3Client(config: Pick<S3Config, 'endpoint' | 'region' | 'credentials' | 'forcePathStyle'>): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.credentials,
    forcePathStyle: config.forcePathStyle,
    maxAttempts: 3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail a cycle in seconds when S3 is unreachable; BullMQ's backoff does the long waiting.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 60_000 },
  })
}
