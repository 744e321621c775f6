import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServiceProcess {
  name: string
  child: ChildProcess
  stop(): Promise<void>
}

/**
 * V8 flags of the HTTP services: a young generation of a fixed 16 MB. V8's default grows and
 * shrinks it, and on the 2-core VMs this was measured on, committing fresh pages made the
 * scavenges during a 90-day POST /query take 5-15 ms instead of 2-4 ms (p99 17 → 14 ms).
 * Node refuses --min-semi-space-size in NODE_OPTIONS, hence command-line flags; docker-compose
 * and each HTTP service's own `npm start` script (package.json, which cannot import this) pass the
 * same, so a change here goes there too.
 */
export const HTTP_SERVICE_NODE_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16']

/** Runs one service as its own Node process (tsx loader), its output prefixed with its name. */
export function startServiceProcess(name: string, entry: string, env: NodeJS.ProcessEnv, nodeFlags = HTTP_SERVICE_NODE_FLAGS): ServiceProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const prefix = (data: Buffer) =>
    data
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}`)
      .join('\n')
  child.stdout?.on('data', (data: Buffer) => console.log(prefix(data)))
  child.stderr?.on('data', (data: Buffer) => console.error(prefix(data)))
  return {
    name,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
