import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // .ci/run reads the JSON result to print its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-result.json' }]],
  },
})
