import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { ZodApp } from '@lav/shared'

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url))
const require = createRequire(import.meta.url)

/**
 * Libraries the pages import, served from node_modules as their authors built them (no build
 * step here): uPlot draws the explorer's time-series chart on a canvas.
 */
const VENDOR_FILES: Record<string, { path: string; type: string }> = {
  'uplot.js': { path: require.resolve('uplot/dist/uPlot.esm.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
}

/** Only what a browser loads: the type declarations that let tsc check the pages stay private. */
const SERVED = /\.(html|js|css|svg|png)$/

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
 * /dashboard/: the Semáforo and the feature explorer, as static files that call the API through
 * this gateway with the reader's own token. No token is needed to load the pages (as for /docs);
 * the data behind them needs oracle.reader.
 */
export async function dashboardRoutes(app: ZodApp): Promise<void> {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
  })
  for (const [name, file] of Object.entries(VENDOR_FILES)) {
    const body = await readFile(file.path)
    app.get(`/dashboard/vendor/${name}`, (_request, reply) => reply.header('cache-control', 'public, max-age=60').type(file.type).send(body))
  }
  // Files change only with a deploy; a short max-age keeps a tab from running a stale script long.
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/dashboard/',
    maxAge: 60_000,
    index: 'index.html',
    allowedPath: (pathName) => SERVED.test(pathName) || pathName.endsWith('/'),
  })
  for (const url of ['/', '/dashboard']) app.get(url, (_request, reply) => reply.redirect('/dashboard/'))
  app.get('/dashboard/explorer', (request, reply) => reply.redirect(`/dashboard/explorer.html${searchOf(request.url)}`))
}

/** @returns the query string of a URL, "?" included, or "" */
const searchOf = (url: string) => (url.includes('?') ? url.slice(url.indexOf('?')) : '')
