import { describe, expect, it } from 'vitest'
import type { ExportCycleDeps } from '../export/export-cycle'
import type { RetentionDeps } from '../retention/run-retention'
import { InvalidJobPayloadError, processParquetExport, processRetention } from './processors'

// The payload is checked before anything touches a dependency, so none is needed here.
const none = {} as ExportCycleDeps & RetentionDeps

describe('job payloads', () => {
  it('are validated with the zod contracts of shared', async () => {
    await expect(processParquetExport({ trigger: 'cron' }, none)).rejects.toBeInstanceOf(InvalidJobPayloadError)
    await expect(processParquetExport({ trigger: 'schedule', windows: 4 }, none)).rejects.toThrow(/invalid job payload/)
    await expect(processRetention(null, none)).rejects.toBeInstanceOf(InvalidJobPayloadError)
  })
})
