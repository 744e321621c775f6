import type { FastifyInstance } from 'fastify'

export interface RunOptions {
  host: string
  port: number
  /** Closes what the service opened, after HTTP stopped accepting: workers, queues, Redis, SQL. */
  onClose?: () => Promise<void> | void
}

/**
 * Listens, and on SIGINT/SIGTERM shuts down in order (style.md): stop accepting HTTP and let
 * in-flight requests finish, then release the rest. Repeated signals (a terminal's Ctrl-C also
 * relayed by a parent) are ignored while the first shutdown runs.
 */
export async function runService(app: FastifyInstance, options: RunOptions): Promise<void> {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    try {
      await app.close()
      await options.onClose?.()
      process.exit(0)
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  await app.listen({ host: options.host, port: options.port })
}

/** The entry point's catch: a start-up failure (bad config, no database) exits 1 with its message. */
export function exitOnStartFailure(error: unknown): never {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
