import type { Stack } from './stack'
import { API } from './stack'

export interface PublishAnswer {
  accepted: number
  rejected: number
  errors: { index: number; featureId: string; reason: string; message: string }[]
}

/** Node's fetch keeps connections alive, so sequential batches reuse one socket. */
export async function publish(stack: Stack, body: string): Promise<PublishAnswer> {
  const answer = await call<PublishAnswer>(`${stack.serviceUrl}${API}/publish`, { method: 'POST', body, headers: auth(stack) })
  if (answer.rejected > 0) {
    const first = answer.errors[0]
    throw new Error(`publish rejected ${answer.rejected} points, e.g. ${first?.featureId} ${first?.reason}: ${first?.message}`)
  }
  return answer
}

export function serviceGet<T>(stack: Stack, path: string): Promise<T> {
  return call<T>(`${stack.serviceUrl}${API}${path}`, { headers: auth(stack) })
}

export function servicePost<T>(stack: Stack, path: string, body: unknown): Promise<T> {
  return call<T>(`${stack.serviceUrl}${API}${path}`, { method: 'POST', body: JSON.stringify(body), headers: auth(stack) })
}

/** Stores a service answer on the bare server, which then serves it as the baseline. */
export async function putFixture(stack: Stack, name: string, answer: unknown): Promise<string> {
  await call(`${stack.bareUrl}/fixtures/${name}`, { method: 'PUT', body: JSON.stringify(answer) })
  return `${stack.bareUrl}/fixtures/${name}`
}

/** The same fixture read from Redis on every request (stored there by putFixture). */
export const redisFixtureUrl = (stack: Stack, name: string): string => `${stack.bareUrl}/redis-fixtures/${name}`

export function auth(stack: Stack): Record<string, string> {
  return { authorization: `Bearer ${stack.token}` }
}

async function call<T>(url: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<T> {
  const response = await fetch(url, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } })
  const text = await response.text()
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}
