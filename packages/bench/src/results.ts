import { readFileSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'
import type { LinearityResults } from './linearity.ts'
import type { LoadResults } from './load/run.ts'
import type { MicroResults } from './micro/run.ts'
import { PACKAGE_DIR } from './paths.ts'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGiB: number
  kernel: string
  /** 1-minute load average when the run started and ended: above 0.5 the figures are noisy. */
  loadAverageStart: number
  loadAverageEnd: number
}

export type Comparator = '<=' | '>=' | '<'

export interface TargetResult {
  id: string
  section: 'micro' | 'load' | 'linearity'
  title: string
  /** The measured ratio, or null when a figure it needs is missing (not run, or not positive). */
  measured: number | null
  comparator: Comparator
  limit: number
  met: boolean | null
  /** How the ratio is formed, with the figures it came from. */
  detail: string
}

export interface BenchResults {
  schema: 1
  /** ISO time the run started. */
  date: string
  quick: boolean
  /** Sections run: micro, linearity, load. */
  sections: string[]
  wallSeconds: number
  machine: Machine
  node: string
  versions: Record<string, string>
  micro?: MicroResults
  linearity?: LinearityResults
  load?: LoadResults
  targets: TargetResult[]
}

export function describeMachine(): Omit<Machine, 'loadAverageEnd'> {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverageStart: loadavg()[0] ?? Number.NaN,
  }
}

const PEERS = [
  'cookie',
  'cookie-signature',
  'keygrip',
  'iron-webcrypto',
  'hono',
  'express',
  'koa',
  'cookie-session',
  'express-session',
  'koa-session',
  'hono-sessions',
  'fastify',
  '@fastify/secure-session',
  '@fastify/session',
  '@fastify/cookie',
  'srvx',
  '@hono/node-server',
  'autocannon',
  'mitata',
  'esbuild',
]

/** Installed versions of every library the run compares, read from their package.json. */
export function peerVersions(): Record<string, string> {
  const versions: Record<string, string> = {}
  for (const name of PEERS) {
    try {
      const manifest = JSON.parse(
        readFileSync(join(PACKAGE_DIR, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string }
      versions[name] = manifest.version
    } catch {
      versions[name] = 'unknown'
    }
  }
  return versions
}
