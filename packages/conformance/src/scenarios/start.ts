import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { Client } from '../client.ts'
import { SECRET_A, sleep } from '../constants.ts'
import { apiLogin, patchSession, readSession } from '../expect.ts'
import { defineScenarios, type ScenarioContext } from '../scenario.ts'

const START_TIMEOUT = 45_000

/** A port free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** `pnpm --dir <app> start` with `env` added to this process's environment, in its own process group. */
function pnpmStart(ctx: ScenarioContext, env: Record<string, string | undefined>): Started {
  const appDir = ctx.target.appDir
  if (appDir === undefined) throw new Error('start-up scenarios need the target to name its appDir')
  const dir = typeof appDir === 'string' ? appDir : fileURLToPath(appDir)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: undefined, ...env }
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key]
  const child = spawn('pnpm', ['--silent', '--dir', dir, 'start'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.once('error', () => resolve(-1))
  })
  return { child, output: () => output, exited }
}

/** Stops the process group we started (pnpm, tsx, node). */
async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null || started.child.pid === undefined) return
  try {
    process.kill(-started.child.pid, 'SIGTERM')
  } catch {
    return
  }
  const exited = await Promise.race([started.exited.then(() => true), sleep(5000).then(() => false)])
  if (!exited) {
    try {
      process.kill(-started.child.pid, 'SIGKILL')
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Polls `url` until it answers, the process exits, or the time runs out. */
async function waitUntilServing(started: Started, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT
  let exitCode: number | null | undefined
  void started.exited.then((code) => (exitCode = code))
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the app exited (${exitCode}) before serving:\n${started.output()}`)
    try {
      if ((await fetch(url)).status < 500) return
    } catch {
      // Not listening yet.
    }
    await sleep(200)
  }
  throw new Error(`the app did not serve ${url} within ${START_TIMEOUT} ms:\n${started.output()}`)
}

export const startScenarios = defineScenarios('start', [
  {
    title: 'pnpm --dir <app> start serves on PORT and HOST; in development without SESSION_SECRETS it warns naming SESSION_SECRETS',
    timeout: 90_000,
    async run(ctx) {
      const port = await freePort()
      const started = pnpmStart(ctx, { PORT: String(port), HOST: '127.0.0.1', SESSION_SECRETS: undefined, SESSION_FORMAT: ctx.format })
      try {
        const url = `http://127.0.0.1:${port}`
        await waitUntilServing(started, `${url}/`)
        const c = new Client(url)
        await patchSession(c, { started: true })
        await apiLogin(c)
        expect(await readSession(c)).toEqual({ data: { started: true }, isNew: false })
        expect(started.output(), 'says where it listens').toContain(String(port))
        expect(started.output(), 'the development warning').toContain('SESSION_SECRETS')
      } finally {
        await stop(started)
      }
    },
  },
  {
    title: 'pnpm --dir <app> start with a bad configuration exits non-zero, naming the variable',
    timeout: 90_000,
    async run(ctx) {
      const started = pnpmStart(ctx, { PORT: String(await freePort()), SESSION_SECRETS: SECRET_A, SESSION_FORMAT: 'bogus' })
      try {
        const code = await Promise.race([started.exited, sleep(START_TIMEOUT).then(() => 'timeout' as const)])
        expect(code, `exit status:\n${started.output()}`).not.toBe('timeout')
        expect(code, started.output()).not.toBe(0)
        expect(started.output()).toContain('SESSION_FORMAT')
      } finally {
        await stop(started)
      }
    },
  },
])
