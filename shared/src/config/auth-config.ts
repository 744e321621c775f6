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
  .refine((env) => env.JWT_SECRET !== undefined || env.JWT_PUBLIC_KEY !== undefined, {
    message: 'set JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/EdDSA)',
    path: ['JWT_SECRET'],
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

/** A public key selects RS256 unless JWT_ALGORITHM says EdDSA; otherwise HS256 with the secret. */
export function toAuthConfig(env: AuthEnv): AuthConfig {
  const pem = (text?: string) => text?.replaceAll('\\n', '\n')
  if (env.JWT_PUBLIC_KEY) {
    return {
      algorithm: env.JWT_ALGORITHM === 'EdDSA' ? 'EdDSA' : 'RS256',
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
  return { algorithm: 'HS256', secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }
}
