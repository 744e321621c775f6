// ESLint rule `lav/package-boundaries`: a relative path never crosses a workspace package.
// Another package is reached by its name and its declared exports (`@lav/feature-store-svc/testing`),
// so what one package offers another is written down in its package.json, and a change to a
// package's internals cannot silently break a file outside it. Files outside the packages
// (scripts/, bench/, test/, prometheus/, grafana/) are the root's; inside a package, the one
// root folder a relative path may reach is test/support/, the servers every package's tests share
// (and the repository root itself, the working directory of the processes a test starts).
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, URL } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)))
const SHARED_TEST_SUPPORT = join(ROOT, 'test', 'support')

/** Workspace folders (absolute) to package names, from the root package.json. */
function readWorkspaces() {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  return root.workspaces.map((folder) => ({
    dir: join(ROOT, folder),
    folder,
    name: JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')).name,
  }))
}

const inside = (path, dir) => path === dir || path.startsWith(dir + sep)

/** @type {import('eslint').Rule.RuleModule} */
export const packageBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'relative imports and file URLs stay inside their workspace package' },
    schema: [],
    messages: {
      intoPackage: "'{{path}}' reaches into {{folder}}/ from outside it: import '{{name}}' or an entry of its package.json \"exports\" (add one if it is missing).",
      outOfPackage: "'{{path}}' leaves {{folder}}/ for {{target}}: a package imports other packages by name; only test/support/ of the root is shared by relative path.",
    },
  },
  create(context) {
    const workspaces = readWorkspaces()
    const packageOf = (path) => workspaces.find((workspace) => inside(path, workspace.dir))
    const from = packageOf(context.filename)
    const check = (node) => {
      if (node?.type !== 'Literal' || typeof node.value !== 'string' || !node.value.startsWith('.')) return
      const target = resolve(dirname(context.filename), node.value)
      const to = packageOf(target)
      if (to && to !== from) {
        context.report({ node, messageId: 'intoPackage', data: { path: node.value, folder: to.folder, name: to.name } })
      } else if (!to && from && target !== ROOT && !inside(target, SHARED_TEST_SUPPORT)) {
        context.report({ node, messageId: 'outOfPackage', data: { path: node.value, folder: from.folder, target: relative(ROOT, target) || '.' } })
      }
    }
    const isImportMetaUrl = (node) => node?.type === 'MemberExpression' && node.object.type === 'MetaProperty' && node.property.name === 'url'
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // new URL('../../other-package/file', import.meta.url): reading another package's files.
      NewExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'URL' && isImportMetaUrl(node.arguments[1])) check(node.arguments[0])
      },
    }
  },
}
