/**
 * The load benchmark: autocannon over loopback against one child process per server, configurations
 * alternating in a new shuffled order every round. The honest figure is the server's CPU time per
 * request, read from `/proc/<pid>/stat` (utime + stime): autocannon shares the two cores and
 * saturates first on the fastest servers, so requests/s mostly measures the client there.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { tamper } from '../micro/cases.ts'
import { type Spread, shuffled, spread } from '../stats.ts'
import { LOAD_CONFIGS, type LoadConfig } from './configs.ts'

export interface LoadSettings {
  rounds: number
  warmupSeconds: number
  durationSeconds: number
  connections: number
  /** Only these configuration ids (default: all). */
  only?: string[]
}

interface LoadRound {
  rps: number
  p99Ms: number
  cpuUsPerRequest: number
  requests: number
  /** Requests whose session came from the client's cookie (all of them, for a session server). */
  loaded: number
  non2xx: number
  errors: number
}

export interface LoadConfigResult {
  id: string
  framework: string
  library: string
  kind: string
  role: string
  label: string
  rps: Spread
  p99Ms: Spread
  cpuUsPerRequest: Spread
  /** CPU µs per request minus the bare server of the same framework, paired round by round. */
  addedCpuUs: Spread | null
  /**
   * Every measured request of a session server carried a session its server verified and loaded.
   */
  verified: boolean
  rounds: LoadRound[]
  /** What the priming requests showed: cookie names the client carried. */
  cookieNames: string[]
}

export interface LoadResults {
  settings: LoadSettings
  clockTicksPerSecond: number
  configs: LoadConfigResult[]
}

const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url))
/** The same lean TypeScript loader the benchmark itself runs under (see loader/hooks.mjs). */
const LOADER = new URL('../../loader/register.mjs', import.meta.url).href
const READY_TIMEOUT_MS = 60_000
const STATS_TIMEOUT_MS = 10_000

export interface ServerHandle {
  config: LoadConfig
  child: ChildProcess
  port: number
  pid: number
  stderr: string[]
}

interface ServerStats {
  hits: number
  loaded: number
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100
  } catch {
    return 100
  }
}

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last
  // ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

export async function startServer(
  config: LoadConfig,
  nodeOptions: string[] = [],
): Promise<ServerHandle> {
  const child = spawn(
    process.execPath,
    [...nodeOptions, '--conditions=@cookietin/source', '--import', LOADER, SERVER_ENTRY, config.id],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  const stderr: string[] = []
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 50) stderr.push(chunk.toString())
  })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${config.id}: not ready after ${READY_TIMEOUT_MS} ms`)),
      READY_TIMEOUT_MS,
    )
    child.on('message', function onMessage(message: { type?: string; port?: number }) {
      if (message?.type !== 'ready') return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(message.port ?? 0)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(
        new Error(
          `${config.id}: server exited with ${String(code)} before it was ready:\n${stderr.join('')}`,
        ),
      )
    })
  })
  return { config, child, port, pid: child.pid!, stderr }
}

function serverStats(handle: ServerHandle): Promise<ServerStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${handle.config.id}: no stats answer`)),
      STATS_TIMEOUT_MS,
    )
    handle.child.on('message', function onMessage(message: { type?: string } & ServerStats) {
      if (message?.type !== 'stats') return
      clearTimeout(timer)
      handle.child.off('message', onMessage)
      resolve({ hits: message.hits, loaded: message.loaded })
    })
    handle.child.send({ type: 'stats' })
  })
}

export async function stopServer(handle: ServerHandle): Promise<void> {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return
  const exited = new Promise((resolve) => handle.child.once('exit', resolve))
  // Closing the IPC channel makes the server exit normally (so `--cpu-prof` writes its profile).
  if (handle.child.connected) handle.child.disconnect()
  else handle.child.kill('SIGTERM')
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * The Cookie header a browser would send after these Set-Cookie headers: a later one for the same
 * name replaces an earlier one (hono-sessions sets its cookie twice on a new session), and an empty
 * value or Max-Age=0 deletes.
 */
function cookieHeaderFrom(setCookies: readonly string[]): string {
  const jar = new Map<string, string>()
  for (const line of setCookies) {
    const semi = line.indexOf(';')
    const pair = semi === -1 ? line : line.slice(0, semi)
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (value === '' || /;\s*max-age=0(;|$)/i.test(line)) jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

/**
 * Gets a session cookie from a first request, then proves the server verifies it: sent back, the
 * session is loaded (the counter is past 1) and a new Set-Cookie comes back; tampered, it is
 * refused (the counter starts again at 1). Returns the Cookie header the load client sends on every
 * request.
 */
export async function prime(handle: ServerHandle): Promise<{ cookie: string; names: string[] }> {
  const { config } = handle
  const url = `http://127.0.0.1:${handle.port}/`
  const fail = (why: string) => {
    throw new Error(`${config.id}: ${why}`)
  }
  const first = await fetch(url)
  const firstBody = await first.text()
  if (first.status !== 200 || firstBody !== '1')
    fail(`first request answered ${first.status} ${JSON.stringify(firstBody)}`)
  const setCookies = first.headers.getSetCookie()
  if (config.kind === 'bare') {
    if (setCookies.length > 0) fail('a bare server must not set cookies')
    return { cookie: '', names: [] }
  }
  const cookie = cookieHeaderFrom(setCookies)
  if (!cookie) fail('the first request set no session cookie')
  const names = cookie.split('; ').map((pair) => pair.slice(0, pair.indexOf('=')))

  const again = await fetch(url, { headers: { cookie } })
  const againBody = await again.text()
  if (again.status !== 200 || !(Number(againBody) > 1))
    fail(`the primed cookie was not accepted (answer ${JSON.stringify(againBody)})`)
  if (again.headers.getSetCookie().length === 0)
    fail('a request that changed the session got no Set-Cookie')

  const [firstPair, ...rest] = cookie.split('; ')
  const eq = firstPair!.indexOf('=')
  const forged = [firstPair!.slice(0, eq + 1) + tamper(firstPair!.slice(eq + 1)), ...rest].join(
    '; ',
  )
  const tampered = await fetch(url, { headers: { cookie: forged } })
  const tamperedBody = await tampered.text()
  if (tampered.status !== 200 || tamperedBody !== '1')
    fail(`a tampered cookie was accepted (answer ${JSON.stringify(tamperedBody)})`)
  return { cookie, names }
}

export async function cannon(
  port: number,
  cookie: string,
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections,
    pipelining: 1,
    duration: seconds,
    headers: cookie ? { cookie } : {},
  })
}

async function measureOnce(
  handle: ServerHandle,
  cookie: string,
  settings: LoadSettings,
  ticksPerSecond: number,
): Promise<LoadRound> {
  await cannon(handle.port, cookie, settings.warmupSeconds, settings.connections)
  const before = await serverStats(handle)
  const ticks0 = cpuTicks(handle.pid)
  const result = await cannon(handle.port, cookie, settings.durationSeconds, settings.connections)
  const ticks1 = cpuTicks(handle.pid)
  const after = await serverStats(handle)
  const requests = after.hits - before.hits
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    cpuUsPerRequest:
      requests > 0 ? (((ticks1 - ticks0) / ticksPerSecond) * 1e6) / requests : Number.NaN,
    requests,
    loaded: after.loaded - before.loaded,
    non2xx: result.non2xx,
    errors: result.errors,
  }
}

export async function runLoad(
  settings: LoadSettings,
  log: (line: string) => void,
): Promise<LoadResults> {
  const ticksPerSecond = clockTicksPerSecond()
  const wanted = (config: LoadConfig) =>
    !settings.only || settings.only.includes(config.id) || config.kind === 'bare'
  const configs = LOAD_CONFIGS.filter(wanted)
  const handles: ServerHandle[] = []
  const perRound = new Map<string, LoadRound[]>()
  const names = new Map<string, string[]>()
  try {
    // Two at a time: starting means compiling TypeScript, and there are two cores.
    for (let i = 0; i < configs.length; i += 2) {
      handles.push(
        ...(await Promise.all(configs.slice(i, i + 2).map((config) => startServer(config)))),
      )
    }
    log(
      `load: ${handles.length} servers up on 127.0.0.1 (pids ${handles.map((h) => h.pid).join(' ')})`,
    )
    for (let round = 0; round < settings.rounds; round++) {
      for (const handle of shuffled(handles)) {
        const { cookie, names: cookieNames } = await prime(handle)
        names.set(handle.config.id, cookieNames)
        const measured = await measureOnce(handle, cookie, settings, ticksPerSecond)
        const list = perRound.get(handle.config.id) ?? []
        list.push(measured)
        perRound.set(handle.config.id, list)
        log(
          `load: round ${round + 1}/${settings.rounds} ${handle.config.id.padEnd(26)} ${measured.rps.toFixed(0).padStart(6)} req/s  p99 ${String(measured.p99Ms).padStart(3)} ms  ${measured.cpuUsPerRequest.toFixed(1).padStart(6)} µs CPU/req`,
        )
      }
    }
  } finally {
    await Promise.all(handles.map(stopServer))
  }

  const results: LoadConfigResult[] = configs.map((config) => {
    const rounds = perRound.get(config.id) ?? []
    const bare = perRound.get(`${config.framework}/bare`) ?? []
    const added =
      config.kind === 'bare'
        ? null
        : spread(rounds.map((r, i) => r.cpuUsPerRequest - (bare[i]?.cpuUsPerRequest ?? Number.NaN)))
    return {
      id: config.id,
      framework: config.framework,
      library: config.library,
      kind: config.kind,
      role: config.role,
      label: config.label,
      rps: spread(rounds.map((r) => r.rps)),
      p99Ms: spread(rounds.map((r) => r.p99Ms)),
      cpuUsPerRequest: spread(rounds.map((r) => r.cpuUsPerRequest)),
      addedCpuUs: added,
      verified: rounds.every(
        (r) =>
          r.non2xx === 0 && r.errors === 0 && (config.kind === 'bare' || r.loaded === r.requests),
      ),
      rounds,
      cookieNames: names.get(config.id) ?? [],
    }
  })
  return { settings, clockTicksPerSecond: ticksPerSecond, configs: results }
}
