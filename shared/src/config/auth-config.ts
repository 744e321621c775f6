import { z } from 'zod'

/** JWT settings every service shares: which key, which algorithm, which issuer and audience. */
export const AuthConfigSchema = z
  .object({
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_PUBLIC_KEY: z.string().optional(),
    JWT_PRIVATE_KEY: z.string().optional(),
    // Key rotation: tokens name their key with the `kid` header; during an overlap the previous
    // public key is accepted too.
    JWT_KEY_ID: z.string().optional(),
    JWT_PUBLIC_KEY_PREVIOUS: z.string().optional(),
    JWT_KEY_ID_PREVIOUS: z.string().optional(),
    JWT_ALGORITHM: z.enum(['HS256', 'RS256', 'EdDSA']).optional(),
    JWT_ISSUER: z.string().default('lav-oracle'),
    JWT_AUDIENCE: z.string().default('lav-api'),
  })
  .superRefine((env, ctx) => {
    if (env.JWT_SECRET === undefined && env.JWT_PUBLIC_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'set JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/EdDSA)' })
      return
    }
    // An algorithm its key does not match would silently run another one: refuse to start.
    const algorithm = selectedAlgorithm(env)
    if (algorithm === 'HS256' && env.JWT_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'JWT_ALGORITHM=HS256 needs JWT_SECRET (JWT_PUBLIC_KEY is for RS256/EdDSA)' })
    }
    if (algorithm !== 'HS256' && env.JWT_PUBLIC_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['JWT_PUBLIC_KEY'], message: `JWT_ALGORITHM=${algorithm} needs JWT_PUBLIC_KEY (JWT_SECRET is for HS256)` })
    }
  })

export type AuthEnv = z.infer<typeof AuthConfigSchema>

export interface AuthConfig {
  algorithm: 'HS256' | 'RS256' | 'EdDSA'
  secret?: string
  publicKey?: string
  privateKey?: string
  /** Set when tokens carry a `kid`: the id of publicKey and, during a rotation, the previous key. */
  keyId?: string
  previousKeys?: Array<{ kid: string; publicKey: string }>
  issuer: string
  audience: string
}

/** JWT_ALGORITHM when set; otherwise a public key selects RS256 and a secret alone HS256. */
function selectedAlgorithm(env: Pick<AuthEnv, 'JWT_ALGORITHM' | 'JWT_PUBLIC_KEY'>): AuthConfig['algorithm'] {
  return env.JWT_ALGORITHM ?? (env.JWT_PUBLIC_KEY ? 'RS256' : 'HS256')
}

export function toAuthConfig(env: AuthEnv): AuthConfig {
  const pem = (text?: string) => text?.replaceAll('\\n', '\n')
  const algorithm = selectedAlgorithm(env)
  if (algorithm === 'HS256') return { algorithm, secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }
  return {
    algorithm,
    publicKey: pem(env.JWT_PUBLIC_KEY),
    privateKey: pem(env.JWT_PRIVATE_KEY),
    keyId: env.JWT_KEY_ID,
    previousKeys:
      env.JWT_PUBLIC_KEY_PREVIOUS && env.JWT_KEY_ID_PREVIOUS
        ? [{ kid: env.JWT_KEY_ID_PREVIOUS, publicKey: pem(env.JWT_PUBLIC_KEY_PREVIOUS) as string }]
        : undefined,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  }
}
