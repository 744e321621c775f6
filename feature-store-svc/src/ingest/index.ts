// What publishers outside this service use to write mock history through the API: the launcher's
// demo data, the bench, and other packages' tests.
export { backfill, type BackfillTotals } from './backfill'
export { createMockAdapter } from './adapters/mock-adapter'
export { createDemoFeed } from './demo-feed'
export { createResilientLoader } from './resilient-loader'
// Real sources (ORACLE_SOURCE_MODE=shadow, npm run backfill -- --source NAME): the launcher and the CLI.
export { SOURCE_NAMES, type SourceName } from './real-sources'
export { loadSourcesConfig, type SourcesConfig } from './sources-config'
export { runSourceBackfill, startShadowFeed } from './source-runs'
