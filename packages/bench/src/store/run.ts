/**
 * Store mode against express-session + connect-redis, on the same redis-server in the same run:
 * added CPU per request in the app process (over a bare Express), p99 latency, Redis commands and
 * Redis CPU per request, and the merged-write test (100 concurrent requests, each setting its own
 * key, on one session). `pnpm --filter @cookietin/bench run store [--quick]`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRedisServer } from '@cookietin/testkit'
import autocannon from 'autocannon'
import { createClient } from 'redis'
import { RESULTS_DIR } from '../paths.ts'

const OUT = join(RESULTS_DIR, 'store.json')

const ALL_LIBRARIES = ['bare', 'cookietin-redis', 'express-session-redis'] as const
type Library = (typeof ALL_LIBRARIES)[number]
/** `--only=cookietin-redis,bare` runs a subset. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
const LIBRARIES = ALL_LIBRARIES.filter((library) => !only || only.split(',').includes(library))
const quick = process.argv.includes('--quick')
const DURATION = quick ? 3 : 5
const ROUNDS = quick ? 1 : 5
const CONNECTIONS = 10
const SESSIONS = 50
const LOADER = fileURLToPath(new URL('../../loader/register.mjs', import.meta.url))
const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url))

interface Server {
  child: ChildProcess
  base: string
}

async function start(library: Library, redisUrl: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--conditions=@cookietin/source', '--import', LOADER, ENTRY, library, redisUrl],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${library} exited with ${String(code)}`)))
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready') resolve(message.port ?? 0)
    })
  })
  return { child, base: `http://127.0.0.1:${port}` }
}

function cpuOf(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.child.on('message', function on(message: { type?: string; cpu?: NodeJS.CpuUsage }) {
      if (message.type !== 'cpu' || !message.cpu) return
      server.child.off('message', on)
      resolve(message.cpu.user + message.cpu.system)
    })
    server.child.send({ type: 'cpu' })
  })
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.disconnect()
  await exited
}

const cookieOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')

/** What the run reads from Redis: its INFO sections. */
interface Redis {
  info(section: string): Promise<unknown>
}

/** Total commands processed and CPU seconds used by the Redis server. */
async function redisCounters(redis: Redis): Promise<{ commands: number; cpu: number }> {
  const stats = String(await redis.info('stats'))
  const cpu = String(await redis.info('cpu'))
  const read = (text: string, name: string) =>
    Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0)
  return {
    // Minus the INFO calls themselves: two per sample.
    commands: read(stats, 'total_commands_processed'),
    cpu: read(cpu, 'used_cpu_user') + read(cpu, 'used_cpu_sys'),
  }
}

interface Measured {
  library: Library
  path: string
  requests: number
  cpuPerRequestUs: number
  p50: number
  p99: number
  redisCommandsPerRequest: number
  redisCpuPerRequestUs: number
  errors: number
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Each figure's median over the rounds. */
function medianRow(rows: Measured[]): Measured {
  const first = rows[0] as Measured
  const of = (pick: (row: Measured) => number) => median(rows.map(pick))
  return {
    library: first.library,
    path: first.path,
    requests: of((row) => row.requests),
    cpuPerRequestUs: of((row) => row.cpuPerRequestUs),
    p50: of((row) => row.p50),
    p99: of((row) => row.p99),
    redisCommandsPerRequest: of((row) => row.redisCommandsPerRequest),
    redisCpuPerRequestUs: of((row) => row.redisCpuPerRequestUs),
    errors: rows.reduce((sum, row) => sum + row.errors, 0),
  }
}

async function measure(
  server: Server,
  library: Library,
  path: string,
  redis: Redis,
  warm: boolean,
): Promise<Measured> {
  const cookies: string[] = []
  for (let i = 0; i < SESSIONS; i++) {
    if (library === 'bare') break
    cookies.push(cookieOf(await fetch(`${server.base}/`)))
  }
  let next = 0
  const requests = [
    {
      path,
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        headers: { ...request.headers, cookie: cookies[next++ % SESSIONS] ?? '' },
      }),
    },
  ]
  // Warm-up, the first time: JIT, connections, the script cache.
  if (warm) await autocannon({ url: server.base, connections: CONNECTIONS, duration: 3, requests })
  const cpuBefore = await cpuOf(server)
  const redisBefore = await redisCounters(redis)
  const result = await autocannon({
    url: server.base,
    connections: CONNECTIONS,
    duration: DURATION,
    requests,
  })
  const redisAfter = await redisCounters(redis)
  const cpuAfter = await cpuOf(server)
  const total = result.requests.total
  return {
    library,
    path,
    requests: total,
    cpuPerRequestUs: (cpuAfter - cpuBefore) / total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    redisCommandsPerRequest: (redisAfter.commands - redisBefore.commands - 2) / total,
    redisCpuPerRequestUs: ((redisAfter.cpu - redisBefore.cpu) * 1e6) / total,
    errors: result.errors + result.non2xx,
  }
}

/** GET on a connection of its own, so concurrent requests really overlap in the server. */
function get(url: string, cookie: string): Promise<{ setCookie: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      url,
      { agent: false, headers: cookie ? { cookie } : {} },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ setCookie: response.headers['set-cookie'] ?? [], body }))
      },
    )
    request.on('error', reject)
  })
}

/** One session, then 100 concurrent requests each setting its own key: how many keys remain. */
async function mergedWrites(server: Server): Promise<number> {
  const first = await get(`${server.base}/`, '')
  const cookie = first.setCookie.map((line) => line.split(';')[0]).join('; ')
  await Promise.all(
    Array.from({ length: 100 }, (_, i) => get(`${server.base}/set?key=k${i}`, cookie)),
  )
  const keys = JSON.parse((await get(`${server.base}/keys`, cookie)).body) as string[]
  return keys.filter((key) => /^k\d+$/.test(key)).length
}

const startedAt = new Date().toISOString()
const loadAverage = loadavg()
const redisServer = await startRedisServer()
const redis = createClient({ url: redisServer.url })
await redis.connect()
const measured: Measured[] = []
const merged: Record<string, number> = {}
const servers = new Map<Library, Server>()
try {
  for (const library of LIBRARIES) servers.set(library, await start(library, redisServer.url))
  const cases = LIBRARIES.flatMap((library) =>
    (library === 'bare' ? ['/'] : ['/', '/read']).map((path) => ({ library, path })),
  )
  const samples = new Map<string, Measured[]>()
  // Rounds interleave the libraries, so a burst of load on the shared machine hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...cases.slice(round % cases.length), ...cases.slice(0, round % cases.length)]
    for (const { library, path } of order) {
      const server = servers.get(library) as Server
      const row = await measure(server, library, path, redis, round === 0)
      console.log(JSON.stringify({ round, ...row }))
      const key = `${library} ${path}`
      samples.set(key, [...(samples.get(key) ?? []), row])
    }
  }
  for (const { library, path } of cases) {
    measured.push(medianRow(samples.get(`${library} ${path}`) ?? []))
  }
  for (const library of LIBRARIES) {
    if (library !== 'bare') merged[library] = await mergedWrites(servers.get(library) as Server)
  }
} finally {
  for (const server of servers.values()) await stop(server)
  redis.destroy()
  await redisServer.close()
}

const bare = measured.find((row) => row.library === 'bare')?.cpuPerRequestUs ?? 0
const lines = [
  '| library | route | req/s | app CPU/req (µs) | added over bare (µs) | p50 (ms) | p99 (ms) | Redis cmds/req | Redis CPU/req (µs) |',
  '|---|---|---|---|---|---|---|---|---|',
  ...measured.map((row) =>
    [
      row.library,
      row.path === '/' ? (row.library === 'bare' ? 'no session' : 'changed') : 'read-only',
      Math.round(row.requests / DURATION),
      row.cpuPerRequestUs.toFixed(1),
      row.library === 'bare' ? '-' : (row.cpuPerRequestUs - bare).toFixed(1),
      row.p50,
      row.p99,
      row.library === 'bare' ? '-' : row.redisCommandsPerRequest.toFixed(2),
      row.library === 'bare' ? '-' : row.redisCpuPerRequestUs.toFixed(1),
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .replace(/$/, ' |'),
  ),
]
console.log(lines.join('\n'))
console.log(
  `merged writes (100 concurrent requests, each its own key): ${Object.entries(merged)
    .map(([library, kept]) => `${library} kept ${kept}/100`)
    .join(', ')}`,
)
writeFileSync(
  OUT,
  `${JSON.stringify({ date: startedAt, duration: DURATION, rounds: ROUNDS, loadAverage, measured, merged }, null, 2)}\n`,
)
