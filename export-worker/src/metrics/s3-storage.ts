import type { ObjectStore } from '../s3/object-store'
import type { S3Total } from './s3-total'

export interface StoredTotal {
  objects: number
  bytes: number
}

/**
 * Lists every object under the store's prefix and sets feature_storage_size_bytes{layer="s3"} to
 * their total. The export only adds what it writes, so a process must measure before its gauge
 * means anything: the server does at each start (the daily retention listing does again).
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
