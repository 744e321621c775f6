import { parseArgs } from 'node:util'
import { loadExportWorkerConfig } from '../config'
import type { ExportCycleResult } from '../export/export-cycle'
import { runExportCycle } from '../export/export-cycle'
import { jobDeps, openRuntime } from '../runtime'

/** A first export after a backfill writes thousands of files: listed on request only. */
const FILES_LISTED = 20

const USAGE = `usage: npm run export -- --once [--files]

Runs one export cycle in the foreground with the worker's code: every closed 15-minute window of
ingested_at after the watermark goes to Parquet in S3, then the watermark moves. Waits if the
worker is exporting at that moment. Configuration: the worker's environment (DATABASE_URL,
FEATURE_STORE_EXPORT_S3_URI, S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, ...).
Prints each window with its manifest, and its files when it has at most ${FILES_LISTED} (--files: always).`

function print(result: ExportCycleResult, bucket: string, prefix: string, allFiles: boolean): void {
  for (const window of result.windows) {
    console.log(`window ${new Date(window.start).toISOString()} .. ${new Date(window.end).toISOString()}: ${window.files.length} files, ${window.rows} rows`)
    console.log(`  manifest s3://${bucket}/${prefix}${window.manifestKey}`)
    if (allFiles || window.files.length <= FILES_LISTED) {
      for (const file of window.files) console.log(`  s3://${bucket}/${prefix}${file.key}  ${file.rows} rows  ${file.bytes} bytes`)
    } else {
      console.log(`  (${window.files.length} files: --files lists them, the manifest names them)`)
    }
  }
  const watermark = result.watermark === null ? 'none' : new Date(result.watermark).toISOString()
  console.log(`exported ${result.windows.length} windows, ${result.files} files, ${result.rows} rows (${result.emptyWindows} windows without rows: empty manifests); watermark ${watermark}`)
}

// Warnings (a refused lifecycle rule, a long open transaction holding the export back) matter to
// whoever runs the CLI; its own lines on stdout already say what was exported.
const warningsToStderr = {
  info: () => {},
  warn: (_object: object, message: string) => console.error(`warning: ${message}`),
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { once: { type: 'boolean' }, files: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help || !values.once) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const config = loadExportWorkerConfig(process.env)
  const runtime = await openRuntime(config)
  try {
    const { exportDeps } = jobDeps(config, runtime, { log: warningsToStderr })
    print(await runExportCycle(exportDeps, { onBusy: 'wait' }), config.s3.bucket, config.s3.prefix, values.files ?? false)
    return 0
  } finally {
    await runtime.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
