import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** True when something answers Redis PING on host:port within the timeout. */
export async function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.connect(port, host, () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

export function redisServerOnPath(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0
}

export interface RedisServerHandle {
  url: string
  port: number
  stop(): Promise<void>
  start(): Promise<void>
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a stalled Redis. */
  pause(): void
  resume(): void
}

/**
 * A real redis-server on a free port, which a test may stop and start again. `persistent` keeps
 * its data across a stop (an append-only file synced on every write), as a production Redis does.
 */
export async function startRedisServer({ port, persistent = false }: { port?: number; persistent?: boolean } = {}): Promise<RedisServerHandle> {
  if (!redisServerOnPath()) {
    throw new Error('redis-server is not on PATH: install it (apt-get install redis-server) or set REDIS_URL')
  }
  const chosen = port ?? (await freePort())
  const dir = mkdtempSync(join(tmpdir(), 'lav-redis-'))
  let child: ChildProcess | undefined
  const start = async () => {
    const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
    child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir], {
      stdio: 'ignore',
    })
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers('127.0.0.1', chosen, 200)) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`redis-server did not answer on port ${chosen}`)
  }
  const stop = async () => {
    if (!child || child.exitCode !== null) return
    const exited = new Promise((r) => child?.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    start,
    stop: async () => {
      child?.kill('SIGCONT')
      await stop()
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
