// The export's parts, for the bench that times them one by one against the whole cycle.
export { runExportCycle } from './export-cycle'
export { sha256 } from './manifest'
export { createParquetFileBuilder } from './parquet-file'
export { createTaskPool } from './task-pool'
export { partitionDays, windowGroups, type ExportRow } from './window-rows'
export { alignDown, windowAt, WINDOW_MS } from './windows'
