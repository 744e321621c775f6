import { z } from 'zod'

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

/**
 * Parses the environment once with `schema` and returns a frozen value. An empty string counts
 * as unset, so `FOO=` in an env file falls back to the default rather than failing as "".
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): Readonly<z.infer<S>> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = schema.safeParse(cleaned)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  return Object.freeze(parsed.data)
}

/** 'true' | 'false' only: z.coerce.boolean() would read "false" as true. */
export const envBoolean = (fallback: boolean) =>
  z.enum(['true', 'false']).default(fallback ? 'true' : 'false').transform((value) => value === 'true')

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)

export const envNumber = (fallback: number) => z.coerce.number().refine(Number.isFinite, 'must be a finite number').default(fallback)

export const envPositiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

export const envRatio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback)

export const envUrl = () => z.url()

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
