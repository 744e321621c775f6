import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
let eslint: ESLint

/** The rule ids the repository's own ESLint config reports for `code` as the file at `path`. */
async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) })
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`)
}

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

describe('lav/package-boundaries', () => {
  it.each([
    ['gateway/test/explorer.int.test.ts', "import { startStore } from '../../feature-store-svc/test/harness'\nvoid startStore\n", 'feature-store-svc/', '@lav/feature-store-svc'],
    ['export-worker/src/export/export-window.ts', "import type { Database } from '../../../values-db/src/database'\nexport type D = Database\n", 'values-db/', '@lav/values-db'],
    ['bench/export.bench.ts', "export { EXPORT_WORKER_NODE_OPTIONS } from '../export-worker/src/launch'\n", 'export-worker/', '@lav/export-worker'],
    ['scripts/start.ts', "export const load = () => import('../liquidity-svc/src/app')\n", 'liquidity-svc/', '@lav/liquidity-svc'],
    ['bench/support/dataset.ts', "export const CATALOG = new URL('../../feature-store-svc/registry/features.catalog.json', import.meta.url)\n", 'feature-store-svc/', '@lav/feature-store-svc'],
  ])('fails %s reaching into another package', async (path, code, folder, name) => {
    const messages = await lint(path, code)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(`lav/package-boundaries: `)
    expect(messages[0]).toContain(`reaches into ${folder} from outside it: import '${name}'`)
  })

  it('fails a package reaching out into the root scripts', async () => {
    expect(await lint('feature-store-svc/test/harness.ts', "export { waitFor } from '../../scripts/lib/wait'\n")).toEqual([
      "lav/package-boundaries: '../../scripts/lib/wait' leaves feature-store-svc/ for scripts/lib/wait: a package imports other packages by name; only test/support/ of the root is shared by relative path.",
    ])
  })

  it.each([
    ['feature-store-svc/src/app.ts', "export { createValuesRepository } from './storage/values-repository'\n"],
    ['gateway/test/proxy.int.test.ts', "export { startStore } from '@lav/feature-store-svc/testing'\nexport { createTestDatabase } from '../../test/support/database'\n"],
    ['export-worker/test/processes.int.test.ts', "export const ROOT = new URL('../../', import.meta.url)\n"],
    ['bench/export.bench.ts', "export { row } from './support/report'\nexport { startS3Server } from '../test/support/s3-server'\n"],
  ])('passes %s importing inside its package, by package name, or from test/support', async (path, code) => {
    expect(await lint(path, code)).toEqual([])
  })
})

describe('the values schema has one owner', () => {
  it("fails the worker's code importing the migration runner", async () => {
    const messages = await lint('export-worker/src/runtime.ts', "import { migrate } from '@lav/values-db/migrate'\nvoid migrate\n")
    expect(messages).toEqual([expect.stringContaining('no-restricted-imports: ')])
    expect(messages[0]).toContain('feature-store-svc applies the migrations')
  })
})
