import { startServiceProcess, type ServiceProcess } from './service-process'
import { httpOk, waitFor } from './wait'

export interface ServiceSpec {
  name: string
  entry: string
  port: number
  /** The path that says the service can serve (readiness, or liveness where readiness needs others). */
  readyPath: string
  /** Node flags before the entry; the HTTP services' by default. */
  nodeFlags?: string[]
}

export interface LaunchedService extends ServiceProcess {
  url: string
  /** Rejects when the process exits while it was meant to run. */
  exited: Promise<never>
}

/** Starts one service process and resolves once it answers on its ready path. */
export async function launchService(spec: ServiceSpec, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<LaunchedService> {
  const process = startServiceProcess(spec.name, spec.entry, env, spec.nodeFlags)
  const exited = new Promise<never>((_, reject) =>
    process.child.once('exit', (code, signal) => reject(new Error(`${spec.name} exited (${signal ?? `code ${code}`})`))),
  )
  exited.catch(() => {})
  const url = `http://127.0.0.1:${spec.port}`
  await Promise.race([waitFor(() => httpOk(`${url}${spec.readyPath}`), timeoutMs, `${spec.name} ${spec.readyPath}`), exited])
  return { ...process, url, exited }
}
