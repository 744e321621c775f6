import { z } from 'zod'
import { envBoolean, envPort, envPositiveInt, loadConfig, LOG_LEVELS } from '@lav/shared/config'

const LauncherEnvSchema = z.object({
  LAV_DATA_DIR: z.string().default('.data'),
  LAV_DEMO: envBoolean(true),
  LAV_DEMO_DAYS: envPositiveInt(120),
  // 1: each mock feature gets a point on its own frequency; N: N points per period (a livelier demo).
  LAV_DEMO_SPEED: envPositiveInt(1),
  LAV_EMBEDDED_PG_PORT: envPort(5433),
  LAV_EMBEDDED_REDIS_PORT: envPort(6380),
  FEATURE_STORE_PORT: envPort(8081),
  GATEWAY_PORT: envPort(8080),
  LIQUIDITY_PORT: envPort(8082),
  EXPORT_WORKER_PORT: envPort(8083),
  LAV_EMBEDDED_S3_PORT: envPort(4568),
  S3_ENDPOINT: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  // warn by default: the launcher's terminal is for the welcome block, not every access log line
  LOG_LEVEL: z.enum(LOG_LEVELS).default('warn'),
})

export type LauncherConfig = z.infer<typeof LauncherEnvSchema>

export const loadLauncherConfig = (env: NodeJS.ProcessEnv) => loadConfig(LauncherEnvSchema, env)
