import { readFileSync } from 'node:fs'

/** Processes whose CPU time a bench run is charged with, by name. */
export type ProcessSet = Record<string, number | undefined>

const CLOCK_TICK_US = 10_000 // USER_HZ is 100 on Linux

/** User + system CPU time of a process so far (µs), from /proc; NaN where there is no /proc. */
export function cpuMicros(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_US
  } catch {
    return Number.NaN
  }
}

/**
 * CPU µs per request that each process spent while `run` made `requests` requests: where the
 * time of a request goes when load generator, proxies, service and Redis share the cores.
 */
export async function cpuPerRequest(processes: ProcessSet, run: () => Promise<{ requests: number }>): Promise<Record<string, number>> {
  const named = Object.entries(processes).filter((entry): entry is [string, number] => entry[1] !== undefined)
  const before = named.map(([, pid]) => cpuMicros(pid))
  const { requests } = await run()
  return Object.fromEntries(named.map(([name, pid], i) => [name, Math.round(((cpuMicros(pid) - (before[i] as number)) / requests) * 10) / 10]))
}
