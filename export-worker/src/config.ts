import { z } from 'zod'
import { envPort, envPositiveInt, loadConfig, LOG_LEVELS, type Env } from '@lav/shared/config'

const MIB = 1024 * 1024
// 5 or 6 space-separated fields (BullMQ's cron-parser takes an optional leading seconds field).
const CRON = /^\s*\S+(\s+\S+){4,5}\s*$/
const cron = (fallback: string) => z.string().regex(CRON, 'must be a cron pattern of 5 or 6 fields, e.g. "*/15 * * * *"').default(fallback)

const ExportWorkerEnvSchema = z
  .object({
    EXPORT_WORKER_HOST: z.string().default('127.0.0.1'),
    EXPORT_WORKER_PORT: envPort(8083),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
    DATABASE_POOL_MAX: envPositiveInt(4),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL').optional(),
    FEATURE_STORE_EXPORT_S3_URI: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be s3://bucket or s3://bucket/prefix with a valid bucket name')
      .default('s3://lav-features'),
    FEATURE_STORE_PARQUET_BATCH_CRON: cron('*/15 * * * *'),
    FEATURE_STORE_RETENTION_CRON: cron('30 3 * * *'),
    FEATURE_STORE_RETENTION_DAYS: envPositiveInt(90),
    S3_RETENTION_DAYS: envPositiveInt(365),
    FEATURE_STORE_EXPORT_LAG_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    FEATURE_STORE_EXPORT_MAX_ROWS_PER_FILE: envPositiveInt(100_000),
    // BullMQ's Redis key prefix: lets several stacks (or test runs) share one Redis.
    EXPORT_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"').default('bull'),
    EXPORT_JOB_ATTEMPTS: envPositiveInt(5),
    EXPORT_JOB_BACKOFF_MS: envPositiveInt(30_000),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    // No default: unset means "path style exactly when S3_ENDPOINT is set".
    S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
    S3_MULTIPART_THRESHOLD_BYTES: z.coerce.number().int().min(5 * MIB, 'S3 parts are at least 5 MiB').default(8 * MIB),
    // Small files, latency-bound PUT + HEAD pairs: concurrency, not bandwidth, sets the pace.
    S3_UPLOAD_CONCURRENCY: envPositiveInt(16),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  })
  .refine((env) => (env.S3_ACCESS_KEY_ID === undefined) === (env.S3_SECRET_ACCESS_KEY === undefined), {
    message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS default credential chain)',
    path: ['S3_SECRET_ACCESS_KEY'],
  })

export interface S3Config {
  /** Absent: AWS itself. Set: an S3-compatible server (MinIO, s3rver). */
  endpoint?: string
  region: string
  credentials?: { accessKeyId: string; secretAccessKey: string }
  forcePathStyle: boolean
  bucket: string
  /** Key prefix inside the bucket, '' or ending in '/'. */
  prefix: string
  multipartThresholdBytes: number
  uploadConcurrency: number
}

export interface ExportWorkerConfig {
  host: string
  port: number
  databaseUrl: string
  databasePoolMax: number
  redisUrl?: string
  exportCron: string
  retentionCron: string
  pgRetentionDays: number
  s3RetentionDays: number
  lagMs: number
  maxRowsPerFile: number
  queuePrefix: string
  jobAttempts: number
  jobBackoffMs: number
  s3: S3Config
  logLevel: string
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const [bucket = '', ...rest] = uri.slice('s3://'.length).split('/')
  const path = rest.filter(Boolean).join('/')
  return { bucket, prefix: path ? `${path}/` : '' }
}

export function loadExportWorkerConfig(env: Env): Readonly<ExportWorkerConfig> {
  const parsed = loadConfig(ExportWorkerEnvSchema, env)
  const { bucket, prefix } = parseS3Uri(parsed.FEATURE_STORE_EXPORT_S3_URI)
  const credentials =
    parsed.S3_ACCESS_KEY_ID && parsed.S3_SECRET_ACCESS_KEY ? { accessKeyId: parsed.S3_ACCESS_KEY_ID, secretAccessKey: parsed.S3_SECRET_ACCESS_KEY } : undefined
  return Object.freeze({
    host: parsed.EXPORT_WORKER_HOST,
    port: parsed.EXPORT_WORKER_PORT,
    databaseUrl: parsed.DATABASE_URL,
    databasePoolMax: parsed.DATABASE_POOL_MAX,
    redisUrl: parsed.REDIS_URL,
    exportCron: parsed.FEATURE_STORE_PARQUET_BATCH_CRON,
    retentionCron: parsed.FEATURE_STORE_RETENTION_CRON,
    pgRetentionDays: parsed.FEATURE_STORE_RETENTION_DAYS,
    s3RetentionDays: parsed.S3_RETENTION_DAYS,
    lagMs: parsed.FEATURE_STORE_EXPORT_LAG_SECONDS * 1000,
    maxRowsPerFile: parsed.FEATURE_STORE_EXPORT_MAX_ROWS_PER_FILE,
    queuePrefix: parsed.EXPORT_QUEUE_PREFIX,
    jobAttempts: parsed.EXPORT_JOB_ATTEMPTS,
    jobBackoffMs: parsed.EXPORT_JOB_BACKOFF_MS,
    s3: Object.freeze({
      endpoint: parsed.S3_ENDPOINT,
      region: parsed.S3_REGION,
      credentials,
      // Custom endpoints (MinIO, s3rver) rarely resolve virtual-hosted bucket names.
      forcePathStyle: parsed.S3_FORCE_PATH_STYLE === undefined ? parsed.S3_ENDPOINT !== undefined : parsed.S3_FORCE_PATH_STYLE === 'true',
      bucket,
      prefix,
      multipartThresholdBytes: parsed.S3_MULTIPART_THRESHOLD_BYTES,
      uploadConcurrency: parsed.S3_UPLOAD_CONCURRENCY,
    }),
    logLevel: parsed.LOG_LEVEL,
  })
}
