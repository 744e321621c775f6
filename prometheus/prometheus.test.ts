import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './metric-catalog'
import { runTool } from './tools'

const PROMETHEUS_DIR = join(REPO_ROOT, 'prometheus')
const TEST_FILES = readdirSync(join(PROMETHEUS_DIR, 'tests'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => `tests/${name}`)

describe('promtool', () => {
  it('accepts prometheus.yml and the rule files it loads', () => {
    const { status, output } = runTool('promtool', ['check', 'config', 'prometheus.yml'], { cwd: PROMETHEUS_DIR })
    expect(status, output).toBe(0)
  })

  it('accepts every rule file', () => {
    const rules = readdirSync(join(PROMETHEUS_DIR, 'rules')).map((name) => `rules/${name}`)
    const { status, output } = runTool('promtool', ['check', 'rules', ...rules], { cwd: PROMETHEUS_DIR })
    expect(status, output).toBe(0)
  })

  it('passes the alert unit tests', () => {
    expect(TEST_FILES.length).toBeGreaterThan(0)
    const { status, output } = runTool('promtool', ['test', 'rules', ...TEST_FILES], { cwd: PROMETHEUS_DIR })
    expect(status, output).toBe(0)
  })
})

describe('docker-compose.yml', () => {
  // The committed default env file, whatever the shell running the tests has chosen.
  const env = { ...process.env, LAV_STACK_ENV: '' }

  it('is a valid compose file, demo profile included', () => {
    for (const args of [['-f', 'docker-compose.yml', 'config', '-q'], ['-f', 'docker-compose.yml', '--profile', 'demo', 'config', '-q']]) {
      const { status, output } = runTool('docker-compose', args, { cwd: REPO_ROOT, env })
      expect(status, output).toBe(0)
    }
  })

  const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; healthcheck?: unknown; depends_on?: Record<string, { condition?: string }>; restart?: string }>
  }

  it('keeps secrets out of the file: they come from the env file', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const secrets = Object.keys(service.environment ?? {}).filter((key) => /PASSWORD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|DATABASE_URL|REDIS_URL/.test(key))
      expect(secrets, `${name} sets secrets in docker-compose.yml`).toEqual([])
    }
  })

  it('health-checks every long-running service and waits on conditions', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.restart !== 'no') expect(service.healthcheck, `${name} has no healthcheck`).toBeDefined()
      for (const [dependency, rule] of Object.entries(service.depends_on ?? {})) {
        expect(rule.condition, `${name} → ${dependency}`).toMatch(/^service_(healthy|completed_successfully)$/)
      }
    }
  })
})
