import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { Client } from '../client.ts'
import { SECRET_A, sleep } from '../constants.ts'
import { apiLogin, patchSession, readSession } from '../expect.ts'
import { defineScenarios, type ScenarioContext } from '../scenario.ts'

const START_TIMEOUT = 45_000

/**
 * Listens on `port` (0: any) of 127.0.0.1 and closes again: the port it got, or an error if it is
 * taken.
 */
function probePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const got = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(got))
    })
  })
}

const freePort = () => probePort(0)

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/**
 * `pnpm --dir <app> start` with `env` added to this process's environment, in its own process
 * group.
 */
function pnpmStart(ctx: ScenarioContext, env: Record<string, string | undefined>): Started {
  const appDir = ctx.target.appDir
  if (appDir === undefined) throw new Error('start-up scenarios need the target to name its appDir')
  const dir = typeof appDir === 'string' ? appDir : fileURLToPath(appDir)
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: undefined, ...env }
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key]
  const child = spawn('pnpm', ['--silent', '--dir', dir, 'start'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
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
  const exited = await Promise.race([
    started.exited.then(() => true),
    sleep(5000).then(() => false),
  ])
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
    if (exitCode !== undefined)
      throw new Error(`the app exited (${exitCode}) before serving:\n${started.output()}`)
    try {
      if ((await fetch(url)).status < 500) return
    } catch {
      // Not listening yet.
    }
    await sleep(200)
  }
  throw new Error(`the app did not serve ${url} within ${START_TIMEOUT} ms:\n${started.output()}`)
}

/** The contract's default ports (docs/contract.md). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  express: 3001,
  hono: 3002,
  koa: 3003,
  fastify: 3004,
  fetch: 3005,
}

/** Runs the app until it serves `url`, checks a session and a login there, then stops it. */
async function expectServing(started: Started, url: string): Promise<void> {
  try {
    await waitUntilServing(started, `${url}/`)
    const c = new Client(url)
    await patchSession(c, { started: true })
    await apiLogin(c)
    expect(await readSession(c)).toEqual({ data: { started: true }, isNew: false })
  } finally {
    await stop(started)
  }
}

export const startScenarios = defineScenarios('start', [
  {
    title:
      'pnpm --dir <app> start serves on PORT and HOST; in development without SESSION_SECRETS it warns naming SESSION_SECRETS',
    timeout: 90_000,
    async run(ctx) {
      const port = await freePort()
      const env = {
        PORT: String(port),
        HOST: '127.0.0.1',
        SESSION_SECRETS: undefined,
        SESSION_FORMAT: ctx.format,
      }
      const started = pnpmStart(ctx, env)
      await expectServing(started, `http://127.0.0.1:${port}`)
      expect(started.output(), 'says where it listens').toContain(String(port))
      expect(started.output(), 'the development warning').toContain('SESSION_SECRETS')
    },
  },
  {
    title:
      'pnpm --dir <app> start without PORT serves on the default port (express 3001, hono 3002, koa 3003, fastify 3004, fetch 3005)',
    timeout: 90_000,
    async run(ctx) {
      const port = DEFAULT_PORTS[ctx.target.name]
      if (port === undefined)
        throw new Error(`the contract names no default port for ${ctx.target.name}`)
      try {
        await probePort(port)
      } catch (error) {
        throw new Error(
          `port ${port} is in use on 127.0.0.1 (is \`pnpm start\` running?): stop it to run this scenario`,
          { cause: error },
        )
      }
      const started = pnpmStart(ctx, {
        PORT: undefined,
        HOST: undefined,
        SESSION_SECRETS: SECRET_A,
      })
      await expectServing(started, `http://127.0.0.1:${port}`)
    },
  },
  {
    title: 'pnpm --dir <app> start with a bad configuration exits non-zero, naming the variable',
    timeout: 90_000,
    async run(ctx) {
      const started = pnpmStart(ctx, {
        PORT: String(await freePort()),
        SESSION_SECRETS: SECRET_A,
        SESSION_FORMAT: 'bogus',
      })
      try {
        const code = await Promise.race([
          started.exited,
          sleep(START_TIMEOUT).then(() => 'timeout' as const),
        ])
        expect(code, `exit status:\n${started.output()}`).not.toBe('timeout')
        expect(code, started.output()).not.toBe(0)
        expect(started.output()).toContain('SESSION_FORMAT')
      } finally {
        await stop(started)
      }
    },
  },
])
