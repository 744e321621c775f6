import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export type ExportJobKind = 'export' | 'retention'

export interface ExportMetrics {
  rows: Counter
  files: Counter
  failures: Counter<'kind'>
  duration: Histogram
}

export interface ExportMetricsOptions {
  registry: Registry
  /** The current watermark (ms), read at scrape time so the lag grows even while the worker is stuck. */
  readWatermark: () => Promise<number | null>
  /** Bytes in S3 (s3-total.ts), read at scrape time: the same figure on every replica. */
  readS3Bytes?: () => Promise<number | null>
  now?: () => number
}

/** The metric names, registered on the app's own registry. */
export function createExportMetrics({ registry, readWatermark, readS3Bytes, now = Date.now }: ExportMetricsOptions): ExportMetrics {
  const registers = [registry]
  new Gauge({
    name: 'export_lag_seconds',
    help: 'Now minus the export watermark: how far S3 trails PostgreSQL (NaN before the first cycle)',
    registers,
    async collect() {
      // A scrape during a database outage keeps the last value rather than failing /metrics.
      const watermark = await readWatermark().catch(() => undefined)
      if (watermark === undefined) return
      this.set(watermark === null ? Number.NaN : (now() - watermark) / 1000)
    },
  })
  new Gauge({
    name: 'feature_storage_size_bytes',
    help: 'Bytes held per storage layer; layer="s3" is listed at each start and by the daily retention, and grows with each exported window (any process)',
    labelNames: ['layer'] as const,
    registers,
    async collect() {
      const bytes = await readS3Bytes?.().catch(() => undefined)
      if (typeof bytes === 'number') this.set({ layer: 's3' }, bytes)
    },
  })
  return {
    rows: new Counter({ name: 'export_rows_total', help: 'Rows written to Parquet files in S3', registers }),
    files: new Counter({ name: 'export_files_total', help: 'Parquet files written to S3 and confirmed by HEAD', registers }),
    failures: new Counter({ name: 'export_failures_total', help: 'Failed export or retention runs', labelNames: ['kind'] as const, registers }),
    duration: new Histogram({
      name: 'export_duration_seconds',
      help: 'Duration of one export cycle (every pending window)',
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
      registers,
    }),
  }
}
