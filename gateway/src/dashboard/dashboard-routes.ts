import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { ZodApp } from '@lav/shared'

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url))

/**
 * Same origin only, no inline script or style, no framing: the page holds a bearer token, so a
 * script that is not ours must never run in it, and no other site may frame it.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * /dashboard/: the Semáforo, its components, hints and every feature's freshness, as static files
 * that call the API through this gateway with the reader's own token. No token is needed to load
 * the page (as for /docs); the data behind it needs oracle.reader.
 */
export async function dashboardRoutes(app: ZodApp): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
  })
  // Files change only with a deploy; a short max-age keeps a tab from running a stale script long.
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/dashboard/', maxAge: 60_000, index: 'index.html' })
  for (const url of ['/', '/dashboard']) app.get(url, (_request, reply) => reply.redirect('/dashboard/'))
}
