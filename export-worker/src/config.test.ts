import { describe, expect, it } from 'vitest'
import { loadExportWorkerConfig, parseS3Uri } from './config'

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

describe('export worker configuration', () => {
  it('has the defaults of the specification', () => {
    const config = loadExportWorkerConfig({ DATABASE_URL })
    expect(config).toMatchObject({
      port: 8083,
      host: '127.0.0.1',
      exportCron: '*/15 * * * *',
      pgRetentionDays: 90,
      s3RetentionDays: 365,
      lagMs: 60_000,
      queuePrefix: 'bull',
      s3: { bucket: 'lav-features', prefix: '', region: 'us-east-1', forcePathStyle: false, multipartThresholdBytes: 8 * 1024 * 1024 },
    })
    expect(config.redisUrl).toBeUndefined()
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names the bad variable', () => {
    expect(() => loadExportWorkerConfig({})).toThrow(/DATABASE_URL/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, EXPORT_WORKER_PORT: 'http' })).toThrow(/EXPORT_WORKER_PORT/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, FEATURE_STORE_PARQUET_BATCH_CRON: '*/15' })).toThrow(/FEATURE_STORE_PARQUET_BATCH_CRON/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, FEATURE_STORE_EXPORT_S3_URI: 'https://lav-features' })).toThrow(/FEATURE_STORE_EXPORT_S3_URI/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, S3_ACCESS_KEY_ID: 'only-half' })).toThrow(/S3_SECRET_ACCESS_KEY/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(/S3_FORCE_PATH_STYLE/)
    expect(() => loadExportWorkerConfig({ DATABASE_URL, S3_MULTIPART_THRESHOLD_BYTES: '1024' })).toThrow(/S3_MULTIPART_THRESHOLD_BYTES/)
  })

  it('uses path-style addressing for a custom endpoint unless told otherwise', () => {
    expect(loadExportWorkerConfig({ DATABASE_URL, S3_ENDPOINT: 'http://127.0.0.1:4568' }).s3.forcePathStyle).toBe(true)
    expect(loadExportWorkerConfig({ DATABASE_URL, S3_ENDPOINT: 'http://127.0.0.1:4568', S3_FORCE_PATH_STYLE: 'false' }).s3.forcePathStyle).toBe(false)
  })

  it('takes a key prefix from the S3 URI', () => {
    expect(parseS3Uri('s3://lav-features')).toEqual({ bucket: 'lav-features', prefix: '' })
    expect(parseS3Uri('s3://lav-features/history/v1/')).toEqual({ bucket: 'lav-features', prefix: 'history/v1/' })
  })
})
