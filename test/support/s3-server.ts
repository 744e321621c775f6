import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { freePort } from './redis-server'

/** s3rver checks signatures against these unless told otherwise. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export interface S3ServerHandle {
  endpoint: string
  port: number
  dir: string
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>
  /** Stops answering at once: open connections are cut, new ones refused. */
  stop(): Promise<void>
  /** Stops it and removes its data directory (unless the caller gave one). */
  remove(): Promise<void>
}

/** A real S3-compatible server (s3rver) on loopback, which a test may stop and start again. */
export async function startS3Server(options: { port?: number; dir?: string } = {}): Promise<S3ServerHandle> {
  const port = options.port ?? (await freePort())
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'lav-s3-'))
  mkdirSync(dir, { recursive: true })
  let server: S3rver | undefined
  const start = async () => {
    if (server) return
    const next = new S3rver({ address: '127.0.0.1', port, directory: dir, silent: true })
    await next.run()
    server = next
  }
  const stop = async () => {
    const running = server
    if (!running) return
    server = undefined
    const closed = running.close()
    running.httpServer?.closeAllConnections()
    await closed
  }
  await start()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    remove: async () => {
      await stop()
      if (!options.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}
