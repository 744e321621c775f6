import { ParquetExportJobSchema, RetentionJobSchema } from '@lav/shared/contracts'
import type { z } from 'zod'
import { runExportCycle, type ExportCycleDeps } from '../export/export-cycle'
import { runRetention, type RetentionDeps, type RetentionResult } from '../retention/run-retention'

/** A payload no retry can fix: the worker fails the job at once instead of retrying it. */
export class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError'
}

/** What a job returns (BullMQ keeps it in Redis): counts, not the list of every file. */
export interface ExportJobSummary {
  status: 'exported' | 'skipped'
  windows: number
  files: number
  rows: number
  watermark: string | null
}

function parsePayload<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data)
  if (!parsed.success) throw new InvalidJobPayloadError(`invalid job payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  return parsed.data
}

/**
 * The export job. Idempotent by construction: the watermark, not the payload, says what to
 * export, so a job delivered twice finds nothing left the second time. A cycle already running
 * elsewhere makes this one skip: the next tick catches up.
 */
export async function processParquetExport(data: unknown, deps: ExportCycleDeps): Promise<ExportJobSummary> {
  parsePayload(ParquetExportJobSchema, data)
  const result = await runExportCycle(deps, { onBusy: 'skip' })
  return {
    status: result.status,
    windows: result.windows.length,
    files: result.files,
    rows: result.rows,
    watermark: result.watermark === null ? null : new Date(result.watermark).toISOString(),
  }
}

/** The daily retention job; dropping what is already dropped is a no-op, so it is idempotent too. */
export async function processRetention(data: unknown, deps: RetentionDeps): Promise<RetentionResult> {
  parsePayload(RetentionJobSchema, data)
  return runRetention(deps)
}
