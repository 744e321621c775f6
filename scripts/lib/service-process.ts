import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ServiceProcess {
  name: string
  child: ChildProcess
  stop(): Promise<void>
}

/** Runs one service as its own Node process (tsx loader), its output prefixed with its name. */
export function startServiceProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
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
