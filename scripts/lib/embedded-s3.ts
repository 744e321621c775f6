import { startS3Server, S3RVER_CREDENTIALS } from '../../test/support/s3-server'

export interface RunningS3 {
  endpoint: string
  /** What the services need to talk to it (s3rver checks signatures against its fixed keys). */
  env: Record<string, string>
  stop(): Promise<void>
}

/** The S3-compatible server of `npm start` (s3rver) on loopback, its objects kept in `dir`. */
export async function startEmbeddedS3(dir: string, port: number): Promise<RunningS3> {
  const server = await startS3Server({ dir, port })
  return {
    endpoint: server.endpoint,
    env: {
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stop: server.stop,
  }
}
