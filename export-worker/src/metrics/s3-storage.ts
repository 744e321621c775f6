import type { ObjectStore } from '../s3/object-store'
import type { S3Total } from './s3-total'

export interface StoredTotal {
  objects: number
  bytes: number
}

/**
 * Lists every object under the store's prefix and sets the S3 total (feature_storage_size_bytes
 * {layer="s3"}) to their sum. Exports only add what they write, so only a listing sees objects
 * written otherwise: the server lists at each start, the daily retention again.
 */
export async function measureS3Storage(
  objects: Pick<ObjectStore, 'list'>,
  s3Total: Pick<S3Total, 'set'>,
  options: { signal?: AbortSignal } = {},
): Promise<StoredTotal> {
  const total: StoredTotal = { objects: 0, bytes: 0 }
  for await (const page of objects.list(options)) {
    total.objects += page.length
    for (const object of page) total.bytes += object.size
  }
  await s3Total.set(total.bytes)
  return total
}
