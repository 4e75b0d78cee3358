/**
 * The soak: clients with a model of their own session each, hammering one example app for a set
 * time with random session sizes, key rotation (each client moves once from the servers holding
 * the old secret to those holding the new one), tampered cookies and requests cut off mid-way.
 * Every response is checked against the client's model: a 5xx or a session that is not the
 * client's own is a failure. The server process's RSS is sampled throughout.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { BrowserJar } from '@cookietin/testkit'
import { Random } from '../random.ts'
import type { ServeMessage, ServeRequest } from './serve.ts'

export interface SoakOptions {
  app: string
  seconds: number
  clients: number
  seed: number
}

export interface SoakFigures {
  campaign: 'soak'
  app: string
  seed: number
  seconds: number
  clients: number
  requests: number
  byStatus: Record<string, number>
  /** Responses of 500 or more. */
  serverErrors: number
  /** Sessions that did not hold exactly what their client had written. */
  mixUps: number
  /** Requests cut off by the client before the response was read. */
  cutOff: number
  rotations: number
  /**
   * The server's RSS in MiB: after the first fifth of the run, the highest after that, at the end.
   */
  rss: { warm: number; max: number; end: number }
  failures: string[]
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const MiB = 1 << 20
type Json = null | number | string | boolean | Json[] | { [key: string]: Json }

/** JSON with sorted keys: two sessions are the same when their canonical texts are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function startServer(
  request: ServeRequest,
): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@cookietin/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./serve.ts', import.meta.url)),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    },
  )
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) =>
      reject(new Error(`the ${request.app} soak server exited (${String(code)})`)),
    )
    child.once('message', (message: ServeMessage) => {
      if (message.type === 'ready') resolve({ child, ports: message.ports })
    })
    child.send(request)
  })
}

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: ServeMessage) => {
      if (message.type !== 'rss') return
      child.off('message', onMessage)
      resolve(message.rss / MiB)
    }
    child.on('message', onMessage)
    child.send('rss')
  })
}

export async function soak(options: SoakOptions): Promise<SoakFigures> {
  const r = new Random(options.seed)
  const secret = () => Buffer.from(r.bytes(32)).toString('base64url')
  const { child, ports } = await startServer({
    app: options.app,
    oldSecret: secret(),
    newSecret: secret(),
  })
  const figures: SoakFigures = {
    campaign: 'soak',
    app: options.app,
    seed: options.seed,
    seconds: options.seconds,
    clients: options.clients,
    requests: 0,
    byStatus: {},
    serverErrors: 0,
    mixUps: 0,
    cutOff: 0,
    rotations: 0,
    rss: { warm: 0, max: 0, end: 0 },
    failures: [],
  }
  const fail = (message: string) => {
    if (figures.failures.length < 30) figures.failures.push(message)
  }
  const start = Date.now()
  const deadline = start + options.seconds * 1000
  const warmAt = start + options.seconds * 200
  const samples: number[] = []
  const sampler = (async () => {
    while (Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, Math.min(5000, options.seconds * 100)))
      const rss = await rssOf(child)
      if (Date.now() >= warmAt) {
        if (figures.rss.warm === 0) figures.rss.warm = rss
        samples.push(rss)
      }
    }
  })()
  try {
    const formats = ['sealed', 'signed', 'flask'] as const
    await Promise.all(
      Array.from({ length: options.clients }, (_, i) =>
        runClient(new Random(options.seed + i + 1), formats[i % formats.length] as string),
      ),
    )
    await sampler
    figures.rss.end = await rssOf(child)
    figures.rss.max = Math.max(figures.rss.end, ...samples)
    if (figures.rss.warm === 0) figures.rss.warm = figures.rss.end
  } finally {
    // SIGKILL: the fetch app's server (srvx) answers SIGTERM with a graceful shutdown that waits
    // for the keep-alive connections this process holds, so the run would never end. The figures
    // are taken; the server holds nothing else.
    child.kill('SIGKILL')
  }
  return figures

  async function runClient(rc: Random, format: string) {
    const jar = new BrowserJar()
    let model: Record<string, Json> = {}
    let user: string | null = null
    let phase: 'old' | 'new' = 'old'
    const port = () => ports[`${format}-${phase}`] as number

    async function call(method: string, path: string, body?: unknown, cookie = jar.header) {
      const headers: Record<string, string> = { cookie }
      if (body !== undefined) headers['content-type'] = 'application/json'
      figures.requests++
      let response: Response
      try {
        response = await fetch(`http://127.0.0.1:${port()}${path}`, {
          method,
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(20_000),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      } catch (error) {
        fail(`${format} ${method} ${path}: no response (${String(error)})`)
        return undefined
      }
      const status = response.status
      figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1
      const text = await response.text()
      if (status >= 500) {
        figures.serverErrors++
        fail(`${format} ${method} ${path} answered ${status}: ${text.slice(0, 200)}`)
      }
      if (cookie === jar.header) jar.apply(response.headers.getSetCookie())
      let json: unknown
      try {
        json = text ? JSON.parse(text) : undefined
      } catch {
        json = undefined
      }
      return { status, json: json as Record<string, unknown> | undefined }
    }

    const check = (what: string, data: unknown) => {
      if (canonical(data) !== canonical(model)) {
        figures.mixUps++
        fail(
          `${format} ${what}: session ${canonical(data).slice(0, 200)}, expected ${canonical(model).slice(0, 200)}`,
        )
      }
    }

    const smallValue = (): Json => {
      const roll = rc.int(5)
      if (roll === 0) return rc.int(1e9)
      if (roll === 1) return null
      if (roll === 2) return { n: rc.int(100), list: [rc.text(4, B64), rc.chance(0.5)] }
      return rc.text(rc.between(0, 200), B64)
    }

    const cutOff = (body: string) =>
      new Promise<void>((done) => {
        const socket = connect(port(), '127.0.0.1')
        const finish = () => {
          socket.destroy()
          done()
        }
        socket.on('error', finish)
        socket.on('connect', () => {
          socket.write(
            `PATCH /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${jar.header}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          )
          if (rc.chance(0.5)) setTimeout(finish, rc.int(3))
          else socket.once('data', finish)
        })
        setTimeout(finish, 5000).unref()
      })

    while (Date.now() < deadline) {
      const roll = rc.int(100)
      if (roll < 30) {
        const patch: Record<string, Json> = {}
        for (let i = rc.between(1, 4); i > 0; i--) patch[`k${rc.int(10)}`] = smallValue()
        const answer = await call('PATCH', '/api/session', patch)
        if (answer?.status === 200) {
          for (const [key, value] of Object.entries(patch)) {
            if (value === null) delete model[key]
            else model[key] = value
          }
          check('after PATCH', answer.json?.['data'])
        } else if (answer && answer.status !== 413)
          fail(`${format} PATCH answered ${answer.status}`)
      } else if (roll < 40) {
        const big = rc.text(rc.between(500, 14_000), B64)
        const answer = await call('PATCH', '/api/session', { big })
        if (answer?.status === 200) model['big'] = big
        else if (answer && answer.status !== 413)
          fail(`${format} big PATCH answered ${answer.status}`)
      } else if (roll < 68) {
        const answer = await call('GET', '/api/session')
        if (answer?.status === 200) check('GET', answer.json?.['data'])
      } else if (roll < 73) {
        const key = `k${rc.int(10)}`
        const answer = await call('POST', '/api/session/pop', { key })
        if (answer?.status === 200) {
          if (canonical(answer.json?.['value']) !== canonical(model[key] ?? null)) {
            figures.mixUps++
            fail(`${format} pop ${key} gave ${canonical(answer.json?.['value'])}`)
          }
          delete model[key]
        }
      } else if (roll < 75) {
        if ((await call('DELETE', '/api/session'))?.status === 204) {
          model = {}
          user = null
        }
      } else if (roll < 77) {
        const answer = await call('POST', '/api/login', {
          username: 'alice',
          password: 'wonderland',
        })
        if (answer?.status === 200) user = 'alice'
      } else if (roll < 82) {
        const answer = await call('GET', '/api/me')
        const got = answer?.status === 200 ? answer.json?.['user'] : null
        if (answer && got !== user) {
          figures.mixUps++
          fail(`${format} /api/me gave ${String(got)}, expected ${String(user)}`)
        }
      } else if (roll < 83) {
        if ((await call('POST', '/api/logout'))?.status === 204) {
          model = {}
          user = null
        }
      } else if (roll < 85) {
        if (phase === 'old' && rc.chance(0.3)) {
          phase = 'new'
          figures.rotations++
        }
      } else if (roll < 93) {
        // Cut off mid-request or mid-response: the cookie never reaches the client, so its
        // session is what it was.
        figures.cutOff++
        await cutOff(JSON.stringify({ [`k${rc.int(10)}`]: rc.text(rc.between(1, 3000), B64) }))
      } else {
        // A tampered or foreign cookie, sent beside the client's own jar: a new session, no 5xx.
        const real = jar.header
        const tampered = real
          ? real.slice(0, rc.int(real.length)) + rc.text(rc.between(0, 20), `${B64}.=%"`)
          : `session=${rc.text(rc.between(1, 200), B64)}`
        const answer = await call('GET', '/api/session', undefined, tampered)
        if (answer && answer.status !== 200)
          fail(`${format} tampered GET answered ${answer.status}`)
      }
    }
  }
}
