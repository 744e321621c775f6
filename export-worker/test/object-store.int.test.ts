import { randomBytes, randomUUID } from 'node:crypto'
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../src/export/manifest'
import { createObjectStore, type ObjectStore } from '../src/s3/object-store'
import { testS3Client } from './harness'

const MIB = 1024 * 1024

describe('the object store on a real S3-compatible server', () => {
  let client: S3Client
  let objects: ObjectStore
  const bucket = `lav-test-${randomUUID().slice(0, 13)}`
  // Every PUT as it left the client after signing: its key, the payload hash the signature
  // covers, and whether it was one part of a multipart upload.
  const puts: { key: string; hash: string; part: boolean }[] = []
  const signedHash = (key: string) => puts.find((put) => put.key === key && !put.part)?.hash

  beforeAll(async () => {
    client = testS3Client()
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path: string; method: string; headers: Record<string, string>; query?: Record<string, unknown> }
        const key = decodeURIComponent(request.path.split('/').slice(2).join('/'))
        if (request.method === 'PUT') puts.push({ key, hash: request.headers['x-amz-content-sha256'] ?? '', part: request.query?.partNumber !== undefined })
        return next(args)
      },
      { step: 'finalizeRequest', name: 'testSignedHashes', priority: 'low' },
    )
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
    objects = createObjectStore({ client, bucket, prefix: '', multipartThresholdBytes: 5 * MIB, expireAfterDays: 365 })
  })

  afterAll(async () => {
    for await (const page of objects.list()) for (const object of page) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.key }))
    await client.send(new DeleteBucketCommand({ Bucket: bucket }))
    client.destroy()
  })

  const readBack = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray()

  it('signs every PUT with its own body’s SHA-256, also when the client reuses one resolved middleware stack', async () => {
    const bodies = Array.from({ length: 4 }, () => randomBytes(2_000 + Math.floor(Math.random() * 1_000)))
    await Promise.all(
      bodies.map(async (body, i) => {
        const hash = sha256(body)
        await objects.put(`hashes/part-${i}.parquet`, body, { contentType: 'application/octet-stream', metadata: { sha256: hash } })
        await objects.confirm(`hashes/part-${i}.parquet`, { bytes: body.length, sha256: hash })
      }),
    )
    for (const [i, body] of bodies.entries()) {
      expect(signedHash(`hashes/part-${i}.parquet`)).toBe(sha256(body))
      expect(Buffer.from(await readBack(`hashes/part-${i}.parquet`)).equals(body)).toBe(true)
    }
  })

  it('uploads a body above the multipart threshold in parts; HEAD confirms its length and SHA-256', async () => {
    const body = randomBytes(5 * MIB + 123_457)
    const hash = sha256(body)
    await objects.put('large/part-0.parquet', body, { contentType: 'application/octet-stream', metadata: { sha256: hash } })
    await objects.confirm('large/part-0.parquet', { bytes: body.length, sha256: hash })
    expect(Buffer.from(await readBack('large/part-0.parquet')).equals(body)).toBe(true)
    const sent = puts.filter((put) => put.key === 'large/part-0.parquet')
    expect(sent.map((put) => put.part)).toEqual([true, true])
  })

  it('refuses to confirm an object that is not the one written', async () => {
    const body = randomBytes(1_000)
    await objects.put('other/part-0.parquet', body, { contentType: 'application/octet-stream', metadata: { sha256: sha256(body) } })
    await expect(objects.confirm('other/part-0.parquet', { bytes: body.length, sha256: sha256(randomBytes(1_000)) })).rejects.toThrow(/is not the object just written/)
    await expect(objects.confirm('other/part-0.parquet', { bytes: body.length + 1, sha256: sha256(body) })).rejects.toThrow(/is not the object just written/)
  })
})
