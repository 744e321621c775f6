import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { redisAnswers } from '../../test/support/redis-server'
import { waitFor } from './wait'

export interface RunningRedis {
  url: string
  stop(): Promise<void>
}

/** redis-server from PATH with its data (append-only file) in `dir`; undefined when there is none. */
export async function startEmbeddedRedis(dir: string, port: number): Promise<RunningRedis | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined
  mkdirSync(dir, { recursive: true })
  // noeviction: BullMQ (the export worker) must never have its keys evicted.
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore', detached: false },
  )
  await waitFor(() => redisAnswers('127.0.0.1', port, 200), 10_000, `redis-server on port ${port}`)
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
