import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from './support/redis-server'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Processes still in the launcher's process group: what Ctrl-C in a terminal reaches. */
function processesInGroup(pgid: number): string[] {
  const ps = spawnSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' })
  return ps.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.split(/\s+/)[0] === String(pgid))
}

/** Processes whose command line names the data folder (PostgreSQL's -D, Redis' --dir), in any group. */
function processesUsing(dataDir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return ps.stdout.split('\n').filter((line) => line.includes(dataDir))
}

async function waitForOutput(child: ChildProcess, output: { text: string }, marker: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!output.text.includes(marker)) {
    if (child.exitCode !== null) throw new Error(`launcher exited with ${child.exitCode}:\n${output.text.slice(-3000)}`)
    if (Date.now() > deadline) throw new Error(`no "${marker}" after ${timeoutMs} ms:\n${output.text.slice(-3000)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

describe('the README quick start: npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lav-quickstart-'))
  // The embedded PostgreSQL runs as its own user when we are root: it must reach its folder.
  chmodSync(dataDir, 0o755)
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('starts the whole stack with demo data, answers /regime/latest through the gateway with the printed token, and stops cleanly on Ctrl-C', async () => {
    const ports = { GATEWAY_PORT: 0, FEATURE_STORE_PORT: 0, LIQUIDITY_PORT: 0, EXPORT_WORKER_PORT: 0, LAV_EMBEDDED_PG_PORT: 0, LAV_EMBEDDED_REDIS_PORT: 0, LAV_EMBEDDED_S3_PORT: 0 }
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort()
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LAV_DATA_DIR: dataDir, LAV_DEMO: 'true' }
    for (const [key, value] of Object.entries(ports)) env[key] = String(value)
    // detached: its own process group, like a terminal's foreground job.
    const launcher = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const output = { text: '' }
    launcher.stdout?.on('data', (data: Buffer) => (output.text += data.toString()))
    launcher.stderr?.on('data', (data: Buffer) => (output.text += data.toString()))
    const pgid = launcher.pid as number
    try {
      await waitForOutput(launcher, output, 'Ctrl-C stops everything', 240_000)
      const gateway = /gateway \(API\)\s+(\S+)/.exec(output.text)?.[1]
      const curl = /curl -s -H "Authorization: Bearer (\S+)" "(\S+\/regime\/latest)"/.exec(output.text)
      expect(gateway).toBe(`http://127.0.0.1:${ports.GATEWAY_PORT}`)
      expect(curl?.[2]).toBe(`${gateway}/api/liquidity/v1/regime/latest`)
      const response = await fetch(curl?.[2] as string, { headers: { authorization: `Bearer ${curl?.[1]}` } })
      expect(response.status).toBe(200)
      const regime = (await response.json()) as { state: string; score: number; dq: { ok: boolean } }
      expect(['verde', 'amarillo', 'rojo']).toContain(regime.state)
      expect(regime.dq.ok).toBe(true)
      expect(regime.score).toBeGreaterThanOrEqual(0)
      // The rest of the stack the launcher promised: the export worker with its S3, the docs, and
      // the dashboard's link carrying the same token in its fragment.
      expect((await fetch(`http://127.0.0.1:${ports.EXPORT_WORKER_PORT}/readyz`)).status).toBe(200)
      expect((await fetch(`${gateway}/docs/json`)).status).toBe(200)
      const dashboard = /dashboard\s+(\S+)/.exec(output.text)?.[1]
      expect(dashboard).toBe(`${gateway}/dashboard/#token=${curl?.[1]}`)
      const page = await fetch(dashboard as string)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Semáforo LAV PLUS')
      const explorer = /explorer\s+(\S+)/.exec(output.text)?.[1]
      expect(explorer).toBe(`${gateway}/dashboard/explorer.html#token=${curl?.[1]}`)
      expect(await (await fetch(explorer as string)).text()).toContain('<h1>Feature explorer</h1>')
    } finally {
      process.kill(-pgid, 'SIGINT')
      await new Promise((resolve) => (launcher.exitCode !== null ? resolve(null) : launcher.once('exit', resolve)))
    }
    // npm itself ends on the signal, as in a terminal; the launcher under it exits 0.
    expect(launcher.exitCode === 0 || launcher.signalCode === 'SIGINT').toBe(true)
    expect(output.text).toContain('[launcher] stopping (SIGINT)')
    // Stopped means stopped: no PostgreSQL, Redis, S3 or service process left behind.
    await expect.poll(() => processesInGroup(pgid), { timeout: 15_000 }).toEqual([])
    await expect.poll(() => output.text, { timeout: 5_000 }).toContain('[launcher] stopped: every service and storage server has exited')
    await expect.poll(() => processesUsing(dataDir), { timeout: 15_000 }).toEqual([])
  }, 300_000)
})
