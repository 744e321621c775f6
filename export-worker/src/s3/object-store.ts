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
import { knownPayloadHash } from './s3-client'

const LIFECYCLE_RULE_ID = 'lav-export-retention'
const DELETE_BATCH = 1_000 // the most one DeleteObjects call takes

export interface StoredObject {
  /** Relative to the store's prefix. */
  key: string
  size: number
}

export interface ObjectStore {
  readonly bucket: string
  readonly prefix: string
  /** Creates the bucket when missing; once per process, also sets the expiry lifecycle rule. */
  ensureBucket(): Promise<void>
  /** One PUT up to the multipart threshold, a multipart upload above it. */
  put(key: string, body: Uint8Array, options: { contentType: string; metadata: Record<string, string> }): Promise<void>
  /** HEAD: the object is there with our length and our SHA-256, or this throws. */
  confirm(key: string, expected: { bytes: number; sha256: string }): Promise<void>
  ping(): Promise<void>
  /** Every object under the prefix, a page (up to 1,000) at a time. */
  list(): AsyncIterable<StoredObject[]>
  delete(keys: string[]): Promise<void>
}

export interface ObjectStoreOptions {
  client: S3Client
  bucket: string
  prefix: string
  multipartThresholdBytes: number
  /** Objects expire this many days after they were written, where the server has lifecycle rules. */
  expireAfterDays: number
}

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const { client, bucket, prefix } = options
  let lifecycleSet = false
  const ensureLifecycle = async () => {
    if (lifecycleSet) return
    await putLifecycleRule(options)
    lifecycleSet = true
  }
  return {
    bucket,
    prefix,
    async ensureBucket() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }))
      } catch (error) {
        if (!isNotFound(error)) throw error
        await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((createError: unknown) => {
          // Another replica created it between our HEAD and our CREATE.
          if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(createError))) throw createError
        })
      }
      await ensureLifecycle()
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
    async *list() {
      let token: string | undefined
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }))
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
 * Adds (or replaces) our expiry rule and keeps the bucket's other rules: PUT replaces the whole
 * configuration. Expiry counts from the write, and a file holds days up to the day it was written,
 * so one day beyond the retention means the rule never removes a day the daily job still keeps.
 */
async function putLifecycleRule({ client, bucket, prefix, expireAfterDays }: ObjectStoreOptions): Promise<void> {
  try {
    const existing = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })).catch((error: unknown) => {
      if (errorName(error) === 'NoSuchLifecycleConfiguration') return { Rules: [] as LifecycleRule[] }
      throw error
    })
    const rule: LifecycleRule = { ID: LIFECYCLE_RULE_ID, Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: expireAfterDays + 1 } }
    const rules = [...(existing.Rules ?? []).filter((other) => other.ID !== LIFECYCLE_RULE_ID), rule]
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }))
  } catch (error) {
    // s3rver, for one: the daily retention job alone deletes expired objects there.
    if (errorName(error) !== 'NotImplemented') throw error
  }
}

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? ''
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode
  return errorName(error) === 'NotFound' || errorName(error) === 'NoSuchBucket' || status === 404
}
