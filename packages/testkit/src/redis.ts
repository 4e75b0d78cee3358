/**
 * Real `redis-server` processes for tests (Debian's `redis-server`): each on a free port in its own
 * temporary folder, owned by the test that started it and stopped by it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:PORT` */
  readonly url: string
  readonly dir: string
  /**
   * Stops the process (SIGTERM; `redis-server` saves its append-only file first) and waits for it.
   */
  stop(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void
  resume(): void
  /** Starts it again on the same port and folder (after `stop`). */
  restart(): Promise<void>
  /** Stops it and removes its folder. */
  close(): Promise<void>
}

export interface RedisServerOptions {
  /** Persist every write (`appendonly yes`), so data survives `stop` + `restart`. @default false */
  appendOnly?: boolean
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: readonly string[]
  /** The port to listen on. @default a free one */
  port?: number
}

/** True when `redis-server` is on PATH; tests needing one skip (with a reason) otherwise. */
export function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function freePort(): Promise<number> {
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

/** Whether `port` can be listened on now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * A free port for a cluster node: its cluster bus listens on the port + 10000, which must exist
 * (at most 65535; the ephemeral range goes up to 60999) and be free too.
 */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await freePort()
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port
  }
  throw new Error('no free port whose cluster bus port (+10000) is free as well')
}

/**
 * Resolves once the server on `port` answers with our own data folder: a free port can be taken
 * between `freePort` and the spawn (by another test's server, on a busy machine), and that other
 * server answering PING must not pass for ours. Rejects when ours exited (the port was taken) or
 * after `timeout` ms.
 */
async function waitForOwnServer(
  port: number,
  dir: string,
  child: ChildProcess,
  timeout = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (child.exitCode !== null) throw new PortTakenError(port)
    const ours = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.setTimeout(500)
      socket.once('data', (data) => {
        socket.destroy()
        resolve(data.toString().includes(dir))
      })
      socket.once('connect', () => socket.write('CONFIG GET dir\r\n'))
      socket.once('error', () => resolve(false))
      socket.once('timeout', () => {
        socket.destroy()
        resolve(false)
      })
    })
    if (ours) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

class PortTakenError extends Error {
  constructor(port: number) {
    super(`redis-server could not listen on port ${port}: another process took it`)
  }
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  let port = options.port ?? (await freePort())
  const dir = mkdtempSync(join(tmpdir(), 'cookietin-redis-'))
  const args = () => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    ...(options.args ?? []),
  ]
  let child: ChildProcess | undefined
  const start = async () => {
    const started = spawn('redis-server', args(), { stdio: 'ignore' })
    child = started
    await waitForOwnServer(port, dir, started)
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGCONT')
    running.kill('SIGTERM')
    await exited
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await start()
      break
    } catch (error) {
      // Lost the race for a port we picked ourselves: pick another.
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt === 5)
        throw error
      port = await freePort()
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    restart: start,
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface RedisCluster {
  readonly nodes: readonly RedisServer[]
  /** `[{ host, port }]`, for ioredis's `new Cluster(startupNodes)`. */
  readonly startupNodes: { host: string; port: number }[]
  close(): Promise<void>
}

/** A three-node Redis Cluster (no replicas) on free ports, ready when this resolves. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes: RedisServer[] = []
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startRedisServer({
          port: await freeClusterPort(),
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
        }),
      )
    }
    execFileSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      // Synchronous: bounded, so a create that never completes fails here instead of stalling
      // tests.
      { stdio: 'ignore', timeout: 20_000 },
    )
    // Every node, not only the first: a client that asks a node still joining for the slot map
    // waits for good (ioredis's `connect()` hung in about one run of four).
    const deadline = Date.now() + 10_000
    const ready = (node: RedisServer) =>
      execFileSync('redis-cli', ['-p', String(node.port), 'cluster', 'info'])
        .toString()
        .includes('cluster_state:ok')
    while (!nodes.every(ready)) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.close()))
    throw error
  }
  return {
    nodes,
    startupNodes: nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
    close: async () => {
      await Promise.all(nodes.map((node) => node.close()))
    },
  }
}
