import { spawnSync } from 'node:child_process'

/** The Debian package that provides each tool (.ci/run installs them). */
const PACKAGES: Record<string, string> = { promtool: 'prometheus', 'docker-compose': 'docker-compose' }

export interface ToolResult {
  status: number | null
  /** The command line and everything it printed, for the failure message. */
  output: string
}

/**
 * Runs a validation tool and returns its exit code and output. A missing tool is an error, not a
 * skip: CI must never pass because the check did not run.
 */
export function runTool(tool: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ToolResult {
  const result = spawnSync(tool, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: 60_000 })
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    const pkg = PACKAGES[tool] ?? tool
    throw new Error(`${tool} is not on PATH: install Debian's package ${pkg} (apt-get install -y --no-install-recommends ${pkg}); .ci/run installs it when missing`)
  }
  if (result.error) throw result.error
  return { status: result.status, output: `$ ${tool} ${args.join(' ')}\n${result.stdout}${result.stderr}` }
}
