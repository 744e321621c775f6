// autocannon ships no types and @types/autocannon is not a dependency: this declares only the
// part of its API the bench uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface Options {
    url: string
    method?: 'GET' | 'POST' | 'PUT'
    body?: string
    headers?: Record<string, string>
    connections?: number
    duration?: number
    overallRate?: number
    ignoreCoordinatedOmission?: boolean
    timeout?: number
  }

  export interface Result {
    errors: number
    timeouts: number
    non2xx: number
  }

  /** Emits `response` (client, statusCode, bytes, responseTimeMs) for every answer. */
  export interface Instance extends EventEmitter {
    stop(): void
  }

  export default function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance
}
