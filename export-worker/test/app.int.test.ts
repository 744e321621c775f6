import type { ZodApp } from '@lav/shared'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { freePort } from '../../test/support/redis-server'
import { buildApp } from '../src/app'
import { createExportMetrics } from '../src/metrics/export-metrics'
import { createProducerRedis } from '../src/queue/redis-connections'
import { createObjectStore } from '../src/s3/object-store'
import { startExportHarness, testS3Client, type ExportHarness } from './harness'

let h: ExportHarness
const apps: ZodApp[] = []

beforeAll(async () => {
  h = await startExportHarness()
  await h.objects.ensureBucket()
})
afterAll(async () => {
  for (const app of apps) await app.close()
  await h.close()
})

async function app(overrides: Partial<Parameters<typeof buildApp>[0]> = {}) {
  const built = await buildApp({ sql: h.store.sql, objects: h.objects, registry: new Registry(), logger: false, defaultMetrics: false, ...overrides })
  apps.push(built)
  return built
}

describe('health and metrics', () => {
  it('/healthz answers without touching a dependency', async () => {
    const response = await (await app()).inject({ url: '/healthz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })

  it('/readyz checks PostgreSQL, Redis and S3', async () => {
    const redis = createProducerRedis(inject('redisUrl'))
    try {
      await redis.ping().catch(async () => new Promise((resolve) => redis.once('ready', resolve)))
      const response = await (await app({ redis })).inject({ url: '/readyz' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up', s3: 'up' } })
    } finally {
      redis.disconnect()
    }
  })

  it('/readyz without Redis is ready in the degraded mode, and 503 naming S3 when S3 is down', async () => {
    const degraded = await (await app()).inject({ url: '/readyz' })
    expect(degraded.statusCode).toBe(200)
    expect(degraded.json().checks.redis).toMatch(/^not configured/)

    const deadS3 = testS3Client(`http://127.0.0.1:${await freePort()}`)
    const objects = createObjectStore({ client: deadS3, bucket: h.bucket, prefix: '', multipartThresholdBytes: 5 * 1024 * 1024, expireAfterDays: 365 })
    const response = await (await app({ objects })).inject({ url: '/readyz' })
    expect(response.statusCode).toBe(503)
    expect(response.json().checks).toMatchObject({ postgres: 'up', s3: expect.stringMatching(/^down/) })
    deadS3.destroy()
  })

  it('/metrics exposes the export metrics by the names of the issue, and the lag from the watermark', async () => {
    const registry = new Registry()
    const metrics = createExportMetrics({ registry, readWatermark: async () => Date.UTC(2025, 0, 1), readS3Bytes: async () => 4096, now: () => Date.UTC(2025, 0, 1, 0, 20) })
    metrics.rows.inc(12)
    const text = (await (await app({ registry })).inject({ url: '/metrics' })).body
    for (const name of ['export_rows_total', 'export_files_total', 'export_failures_total', 'export_duration_seconds', 'export_lag_seconds', 'feature_storage_size_bytes']) {
      expect(text).toContain(`# TYPE ${name} `)
    }
    expect(text).toContain('export_rows_total 12')
    expect(text).toContain('export_lag_seconds 1200')
    expect(text).toContain('feature_storage_size_bytes{layer="s3"} 4096')
  })
})
