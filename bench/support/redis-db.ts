import { Redis } from 'ioredis'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'
// The service's cache keys, the bare server's Redis fixtures and the gateway's rate-limit windows (fuzz bench): the only keys the bench writes.
const BENCH_PREFIXES = ['lav:fs:latest:', 'lav:bench:fixture:', 'lav:rl:']

export interface BenchRedis {
  url: string
  /** The server's process id when it runs on this machine (it says so in INFO). */
  serverPid: number | undefined
  flush(): Promise<void>
  close(): Promise<void>
}

/**
 * The bench gets one Redis logical database (index `dbIndex`) and empties it before and after.
 * It refuses a database holding keys the feature store did not write: FLUSHDB there would
 * destroy someone else's data.
 */
export async function openBenchRedis(baseUrl: string, dbIndex: number): Promise<BenchRedis> {
  const url = new URL(baseUrl)
  url.pathname = `/${dbIndex}`
  const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  const [, foreign] = await redis.scan('0', 'COUNT', 1000)
  const strangers = foreign.filter((key) => !BENCH_PREFIXES.some((prefix) => key.startsWith(prefix)))
  if (strangers.length > 0) {
    redis.disconnect()
    throw new Error(`Redis db ${dbIndex} holds keys the bench did not write (e.g. ${strangers[0]}); set BENCH_REDIS_DB to an unused index`)
  }
  const serverPid = Number((await redis.info('server')).match(/process_id:(\d+)/)?.[1]) || undefined
  return {
    url: url.toString(),
    serverPid,
    flush: async () => {
      await redis.flushdb()
    },
    close: async () => {
      await redis.quit()
    },
  }
}
