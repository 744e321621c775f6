import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { DAY_MS } from '@lav/shared/time'
import { knownPayloadHash } from './s3-client'

const LIFECYCLE_RULE_ID = 'lav-export-retention'
const LIFECYCLE_RETRY_MS = DAY_MS
const DELETE_BATCH = 1_000 // the most one DeleteObjects call takes

export interface StoredObject {
  /** Relative to the store's prefix. */
  key: string
  size: number
}

type WarningLog = { warn(object: object, message: string): void }

export interface ObjectStore {
  readonly bucket: string
  readonly prefix: string
  /**
   * Creates the bucket when missing and, until that has succeeded once, sets the expiry lifecycle
   * rule. A refused rule never fails this: it is logged on `log` (once per store) and retried at
   * most once a day.
   */
  ensureBucket(log?: WarningLog): Promise<void>
  /** One PUT up to the multipart threshold, a multipart upload above it. */
  put(key: string, body: Uint8Array, options: { contentType: string; metadata: Record<string, string> }): Promise<void>
  /** HEAD: the object is there with our length and our SHA-256, or this throws. */
  confirm(key: string, expected: { bytes: number; sha256: string }): Promise<void>
  ping(): Promise<void>
  /** Every object under the prefix, a page (up to 1,000) at a time. */
  list(options?: { signal?: AbortSignal }): AsyncIterable<StoredObject[]>
  delete(keys: string[]): Promise<void>
}

export interface ObjectStoreOptions {
  client: S3Client
  bucket: string
  prefix: string
  multipartThresholdBytes: number
  /** Objects expire this many days after they were written, where the server has lifecycle rules. */
  expireAfterDays: number
  /** The clock of the lifecycle rule's daily retry; Date.now when absent. */
  now?: () => number
}

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const { client, bucket, prefix } = options
  const ensureLifecycle = lifecycleRuleKeeper(options)
  return {
    bucket,
    prefix,
    async ensureBucket(log) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }))
      } catch (error) {
        if (!isNotFound(error)) throw error
        await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((createError: unknown) => {
          // Another replica created it between our HEAD and our CREATE.
          if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(createError))) throw createError
        })
      }
      await ensureLifecycle(log)
    },
    async put(key, body, { contentType, metadata }) {
      if (body.length <= options.multipartThresholdBytes) {
        const payload = metadata.sha256 ? knownPayloadHash(body, metadata.sha256) : body
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: payload, ContentType: contentType, Metadata: metadata }))
        return
      }
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: prefix + key, Body: body, ContentType: contentType, Metadata: metadata },
        partSize: options.multipartThresholdBytes,
        queueSize: 4,
        leavePartsOnError: false,
      })
      await upload.done()
    },
    async confirm(key, expected) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }))
      if (head.ContentLength !== expected.bytes || head.Metadata?.sha256 !== expected.sha256) {
        throw new Error(`s3://${bucket}/${prefix}${key} is not the object just written (${head.ContentLength} bytes, sha256 ${head.Metadata?.sha256})`)
      }
    },
    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }))
    },
    async *list({ signal } = {}) {
      let token: string | undefined
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }), { abortSignal: signal })
        yield (page.Contents ?? []).map((object) => ({ key: (object.Key ?? '').slice(prefix.length), size: object.Size ?? 0 }))
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH).map((key) => ({ Key: prefix + key }))
        const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }))
        const failed = result.Errors ?? []
        if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} objects, first ${failed[0]?.Key}: ${failed[0]?.Message}`)
      }
    },
  }
}

/**
 * The expiry rule is a convenience, never a condition of exporting: the daily retention job
 * deletes expired objects anyway. So a refusal — AccessDenied from a policy without
 * s3:PutLifecycleConfiguration, another S3-compatible server's own code — is logged once and tried
 * again a day later, not at every cycle: a permission granted later takes effect without a restart,
 * and a standing refusal costs a failed request a day rather than one per cycle (each one an error
 * in the audit log). A server without lifecycle rules (`NotImplemented`: s3rver) is not asked again.
 */
function lifecycleRuleKeeper(options: ObjectStoreOptions): (log?: WarningLog) => Promise<void> {
  const now = options.now ?? Date.now
  let settled = false
  let retryAt = Number.NEGATIVE_INFINITY
  let warned = false
  return async (log) => {
    if (settled || now() < retryAt) return
    try {
      await putLifecycleRule(options)
      settled = true
    } catch (error) {
      if (errorName(error) === 'NotImplemented') {
        settled = true
        return
      }
      retryAt = now() + LIFECYCLE_RETRY_MS
      if (warned || !log) return
      warned = true
      log.warn(
        { err: error, code: errorName(error), bucket: options.bucket },
        `the bucket's expiry lifecycle rule could not be set (${errorName(error) || 'error'}): exports go on, the daily retention job deletes expired objects, and the rule is tried again in a day`,
      )
    }
  }
}

/**
 * Adds (or replaces) our expiry rule and keeps the bucket's other rules: PUT replaces the whole
 * configuration. Expiry counts from the write, and a file holds days up to the day it was written,
 * so one day beyond the retention means the rule never removes a day the daily job still keeps.
 */
async function putLifecycleRule({ client, bucket, prefix, expireAfterDays }: ObjectStoreOptions): Promise<void> {
  const existing = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).catch((error: unknown) => {
    if (errorName(error) === 'NoSuchLifecycleConfiguration') return { Rules: [] as LifecycleRule[] }
    throw error
  })
  const rule: LifecycleRule = { ID: LIFECYCLE_RULE_ID, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: expireAfterDays + 1 } }
  const rules = [...(existing.Rules ?? []).filter((other) => other.ID !== LIFECYCLE_RULE_ID), rule]
  await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }))
}

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? ''
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode
  return errorName(error) === 'NotFound' || errorName(error) === 'NoSuchBucket' || status === 404
}
