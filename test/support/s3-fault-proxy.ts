import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** up: forwards; down: cuts every connection; slow: forwards after `delayMs`; error: 500 for every `everyNth` request. */
export type S3Fault = { mode: 'up' } | { mode: 'down' } | { mode: 'slow'; delayMs: number } | { mode: 'error'; everyNth: number }

export interface S3FaultProxy {
  endpoint: string
  fault: S3Fault
  /** Requests forwarded, cut and answered 500 by the proxy itself. */
  counts: { forwarded: number; cut: number; failed: number }
  close(): Promise<void>
}

const INTERNAL_ERROR = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>'

/** An HTTP proxy in front of an S3 server (s3rver) on loopback that can go down, be slow, or answer 500. */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  let seen = 0
  const proxy: S3FaultProxy = { endpoint: '', fault: { mode: 'up' }, counts: { forwarded: 0, cut: 0, failed: 0 }, close: async () => {} }
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    proxy.counts.forwarded++
    const out = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(outgoing)
    })
    out.on('error', () => outgoing.destroy())
    incoming.pipe(out)
  }
  const server = createServer((incoming, outgoing) => {
    const fault = proxy.fault
    seen++
    if (fault.mode === 'down') {
      proxy.counts.cut++
      incoming.socket.destroy()
    } else if (fault.mode === 'error' && seen % fault.everyNth === 0) {
      proxy.counts.failed++
      incoming.resume()
      incoming.on('end', () => outgoing.writeHead(500, { 'content-type': 'application/xml' }).end(INTERNAL_ERROR))
    } else if (fault.mode === 'slow') {
      incoming.pause()
      setTimeout(() => forward(incoming, outgoing), fault.delayMs)
    } else forward(incoming, outgoing)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  proxy.close = () => {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(() => resolve()))
  }
  return proxy
}
