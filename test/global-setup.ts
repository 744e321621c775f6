import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { freePort, redisAnswers, redisServerOnPath, startRedisServer, type RedisServerHandle } from './support/redis-server'
import { startS3Server } from './support/s3-server'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseAdminUrl: string
    redisUrl: string
    testRunId: string
    /** S3_ENDPOINT, else an s3rver of this run (credentials: S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY, else s3rver's). */
    s3Endpoint: string
  }
}

const cleanups: Array<() => Promise<void>> = []

async function startEmbeddedPostgres(): Promise<string> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/embedded-postgres-child.ts', import.meta.url)), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString()
      const match = /ready (\S+)/.exec(output)
      if (match) resolve(match[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code} before it was ready`)))
  })
  cleanups.push(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  return url
}

async function resolveRedis(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL
  if (await redisAnswers('127.0.0.1', 6379)) return 'redis://127.0.0.1:6379'
  if (!redisServerOnPath()) {
    throw new Error('no Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (apt-get install redis-server)')
  }
  const server: RedisServerHandle = await startRedisServer()
  cleanups.push(server.stop)
  return server.url
}

async function resolveS3(): Promise<string> {
  if (process.env.S3_ENDPOINT) return process.env.S3_ENDPOINT
  const server = await startS3Server()
  cleanups.push(server.remove)
  return server.endpoint
}

async function dropRunDatabases(adminUrl: string, runId: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`lav_test_${runId}_%`}`
    for (const { datname } of rows) await sql`drop database if exists ${sql(datname)} with (force)`
  } finally {
    await sql.end({ timeout: 5 })
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`
  const adminUrl = process.env.DATABASE_URL ?? (await startEmbeddedPostgres())
  project.provide('databaseAdminUrl', adminUrl)
  project.provide('redisUrl', await resolveRedis())
  project.provide('s3Endpoint', await resolveS3())
  project.provide('testRunId', runId)
  return async () => {
    await dropRunDatabases(adminUrl, runId)
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
}
