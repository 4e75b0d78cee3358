/**
 * The runtime matrix's one test program (issue 9). Runtime-neutral: only web standards, the built
 * `@cookietin/core`, `@cookietin/hono` and `@cookietin/fetch` (each runtime resolves them with its
 * own export conditions), and `hono`. A host (src/host.ts for Node, Bun and Deno; src/worker.ts for
 * workerd) gives it a way to serve the apps, if the runtime has a cheap one, and a sink for its
 * JSON lines.
 *
 * Phase `checks`: committed vectors (native signed and sealed, flask), a session round trip with
 * chunking, the Hono app and the same app as a plain fetch handler (src/fetchApp.ts) end to end for
 * every format, then one session per format written for the others to read. Phase `interop`: reads
 * the sessions every runtime wrote, through this runtime's Hono app.
 */
import {
  type CryptoBackend,
  type SessionOptions,
  createKeyring,
  createSessionHandler,
  encodeBase64Url,
  isCookietinError,
  sealValue,
  signValue,
  unsealValue,
  verifyValue,
} from '@cookietin/core'
import { createFlaskCodec, flask } from '@cookietin/core/flask'
import { cookieSession, ironSession, koaSession } from '@cookietin/core/migrate'
import { type CookietinEnv, commitSession, cookietin } from '@cookietin/hono'
import { Hono } from 'hono'
import nativeVectorsJson from '../../core/test/vectors/native.json' with { type: 'json' }
import flaskFixturesJson from '../fixtures/flask.json' with { type: 'json' }
import migrateFixtures from '../fixtures/migrate.json' with { type: 'json' }
import { createFetchApp } from './fetchApp.ts'
import { type FlaskFixtures, canonical, fromFixture, toFixture, unhex } from './flaskValues.ts'
import {
  FORMATS,
  type FormatId,
  type SuiteInput,
  type SuiteLine,
  type WrittenSession,
  plannedChecks,
} from './plan.ts'

export type FetchHandler = (request: Request) => Response | Promise<Response>

export interface Server {
  /** `http://127.0.0.1:PORT` */
  origin: string
  close(): Promise<void>
}

export interface Host {
  runtime: string
  version: string
  /** Serves the app on a real HTTP server; without it the app is called through `app.request`. */
  serve?: ((fetch: FetchHandler) => Promise<Server>) | undefined
  /**
   * The web back-end, to run the crypto checks a second time where the runtime resolved the node
   * one.
   */
  webBackend?: CryptoBackend | undefined
  resolved?: Record<string, string> | undefined
}

// ------------------------------------------------------------------------------------------------
// Small helpers
// ------------------------------------------------------------------------------------------------

class CheckFailure extends Error {}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual)
  const e = canonical(expected)
  if (a !== e) throw new CheckFailure(`${what}: expected ${clip(e)}, got ${clip(a)}`)
}

function expectTrue(condition: boolean, what: string): void {
  if (!condition) throw new CheckFailure(what)
}

const clip = (text: string | undefined) =>
  text === undefined
    ? 'undefined'
    : text.length > 160
      ? `${text.slice(0, 160)}... (${text.length} chars)`
      : text

/**
 * Deterministic bytes (xorshift32): the same "random" data on every runtime, incompressible for
 * deflate.
 */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/**
 * 6 KB (6144 characters) of random data, as base64 text: deflate can only take back base64's 25 %.
 */
const INCOMPRESSIBLE = encodeBase64Url(pseudoRandomBytes(4608, 0x9e3779b9))
const COMPRESSIBLE = Array.from(
  { length: 60 },
  (_, i) => `line ${i % 7}: the quick brown fox; `,
).join('')

const SECRETS = [
  'cookietin runtime matrix secret #0 (newest), 32+ bytes',
  'cookietin runtime matrix secret #1 (older), 32+ bytes',
]
const USERS: Record<string, string> = { alice: 'wonderland', bob: 'builder' }

// ------------------------------------------------------------------------------------------------
// Committed vectors
// ------------------------------------------------------------------------------------------------

type Kind = 'signed' | 'sealed'
interface NativeVectors {
  secrets: { utf8: string; keyId: string }[]
  outsider: { utf8: string; keyId: string }
  valid: {
    id: string
    kind: Kind
    cookieName: string
    value: string
    issue: {
      now: number
      maxAge: number | null
      compress: boolean
      signingKey: number
      nonce: string | null
    }
    /** Hex; starts with `01` when the value is deflated. */
    envelope: string
    token: string
    verify: {
      now: number
      expect: { value: string; issuedAt: number; expiresAt: number; stale: boolean }
    }
  }[]
  invalid: {
    id: string
    kind: Kind
    cookieName: string
    token: string
    padTo?: number
    now: number
    reason: string
  }[]
}
const nativeVectors = nativeVectorsJson as unknown as NativeVectors
const flaskFixtures = flaskFixturesJson as unknown as FlaskFixtures

function keyringOptions(backend: CryptoBackend | undefined, nonce?: Uint8Array) {
  return {
    ...(backend ? { backend } : {}),
    ...(nonce
      ? {
          random: (buffer: Uint8Array) => {
            buffer.set(nonce)
            return buffer
          },
        }
      : {}),
  }
}

async function checkNativeVectors(kind: Kind, backend: CryptoBackend | undefined): Promise<string> {
  const ring = nativeVectors.secrets.map((secret) => secret.utf8)
  const failures: string[] = []
  for (const key of [...nativeVectors.secrets, nativeVectors.outsider]) {
    const id = (await createKeyring(key.utf8, keyringOptions(backend)).current()).id
    if (id !== key.keyId) failures.push(`key id of "${key.utf8}": ${id}, expected ${key.keyId}`)
  }
  const valid = nativeVectors.valid.filter((v) => v.kind === kind)
  let compressed = 0
  let sameBytes = 0
  for (const v of valid) {
    const nonce = v.issue.nonce === null ? undefined : unhex(v.issue.nonce)
    const issuer = createKeyring(ring.slice(v.issue.signingKey), keyringOptions(backend, nonce))
    const options = {
      now: v.issue.now,
      compress: v.issue.compress,
      ...(v.issue.maxAge === null ? {} : { maxAge: v.issue.maxAge }),
    }
    const token =
      kind === 'signed'
        ? await signValue(issuer, v.cookieName, v.value, options)
        : await sealValue(issuer, v.cookieName, v.value, options)
    const verifier = createKeyring(ring, keyringOptions(backend))
    const open = kind === 'signed' ? verifyValue : unsealValue
    const expected = canonical({ ok: true, ...v.verify.expect })
    if (v.envelope.startsWith('01')) {
      // Deflate builds differ in their bytes (docs/format.md): a compressed token must open, not
      // match.
      compressed++
      if (token === v.token) sameBytes++
      const own = await open(verifier, v.cookieName, token, { now: v.verify.now })
      if (canonical(own) !== expected)
        failures.push(`${v.id}: own token opened to ${clip(canonical(own))}`)
    } else if (token !== v.token) {
      failures.push(`${v.id}: made ${clip(token)}, expected ${clip(v.token)}`)
    }
    const opened = await open(verifier, v.cookieName, v.token, { now: v.verify.now })
    if (canonical(opened) !== expected)
      failures.push(`${v.id}: opened to ${clip(canonical(opened))}`)
  }
  const invalid = nativeVectors.invalid.filter((v) => v.kind === kind)
  for (const v of invalid) {
    const verifier = createKeyring(ring, keyringOptions(backend))
    const open = kind === 'signed' ? verifyValue : unsealValue
    // `padTo`: the token is too long to commit, so the file says how to lengthen it.
    const token = v.padTo ? v.token.padEnd(v.padTo, 'A') : v.token
    const opened = await open(verifier, v.cookieName, token, { now: v.now })
    if (opened.ok || opened.reason !== v.reason) {
      failures.push(`${v.id}: ${canonical(opened)}, expected reason ${v.reason}`)
    }
  }
  if (failures.length > 0) throw new CheckFailure(failures.join('; '))
  return (
    `${valid.length - compressed} tokens reproduced byte for byte, ${compressed} compressed one(s) open ` +
    `(${sameBytes}/${compressed} byte-identical to Node's zlib); all ${valid.length} committed tokens open; ` +
    `${invalid.length} rejected with their reason`
  )
}

async function checkFlaskVectors(backend: CryptoBackend | undefined): Promise<string> {
  const { secrets, now, maxAge, cases } = flaskFixtures
  const quiet = { maxAge, warn: () => {}, ...(backend ? { backend } : {}) }
  const reader = createFlaskCodec({ secrets, ...quiet })
  const failures: string[] = []
  let compressed = 0
  let sameBytes = 0
  for (const c of cases) {
    const writer = createFlaskCodec({ secrets: secrets.slice(c.signedWith), ...quiet })
    const made = await writer.dumps(fromFixture(c.value) as Record<string, unknown>, now)
    const isCompressed = c.cookie.startsWith('.')
    if (isCompressed) {
      // zlib builds may legally deflate differently: the bytes need not match, but both must load.
      compressed++
      if (made === c.cookie) sameBytes++
      if (!made.startsWith('.')) failures.push(`${c.id}: not compressed here`)
    } else if (made !== c.cookie) {
      failures.push(`${c.id}: made ${clip(made)}, expected ${clip(c.cookie)}`)
    }
    for (const [what, cookie] of [
      ['committed cookie', c.cookie],
      ['own cookie', made],
    ] as const) {
      const loaded = await reader.loads(cookie, now + 5)
      if (!loaded.ok) failures.push(`${c.id}: ${what} does not load: ${loaded.reason}`)
      else {
        if (canonical(toFixture(loaded.value)) !== canonical(c.value)) {
          failures.push(`${c.id}: ${what} loads as ${clip(canonical(toFixture(loaded.value)))}`)
        }
        if (loaded.keyIndex !== c.signedWith)
          failures.push(`${c.id}: ${what} keyIndex ${loaded.keyIndex}`)
      }
    }
  }
  const first = cases[0]
  if (first) {
    // One character of the signed payload changed (not the signature's last one: its low bits are
    // padding).
    const changed = first.cookie.startsWith('e') ? 'f' : 'e'
    const tampered = await reader.loads(`${changed}${first.cookie.slice(1)}`, now)
    if (tampered.ok || tampered.reason !== 'bad_signature')
      failures.push(`tampered cookie: ${canonical(tampered)}`)
    const expired = await reader.loads(first.cookie, now + maxAge + 1)
    if (expired.ok || expired.reason !== 'expired')
      failures.push(`expired cookie: ${canonical(expired)}`)
  }
  if (failures.length > 0) throw new CheckFailure(failures.join('; '))
  return (
    `${cases.length - compressed} uncompressed cookies reproduced byte for byte, ${compressed} compressed ones load ` +
    `(${sameBytes}/${compressed} byte-identical to Node's zlib); tampered and expired refused`
  )
}

// ------------------------------------------------------------------------------------------------
// Cookies on the client side
// ------------------------------------------------------------------------------------------------

/** What a browser keeps: name to value, applying Set-Cookie (deletions included). */
class ClientJar {
  readonly cookies = new Map<string, string>()

  static fromHeader(header: string): ClientJar {
    const jar = new ClientJar()
    for (const pair of header.split(';')) {
      const at = pair.indexOf('=')
      if (at > 0) jar.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
    }
    return jar
  }

  apply(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      let gone = false
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=').map((part) => part.trim())
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) gone = true
        if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) gone = true
      }
      if (gone) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  names(): string[] {
    return [...this.cookies.keys()].sort()
  }
}

type Send = (path: string, init: RequestInit) => Promise<Response>

interface Reply {
  status: number
  body: unknown
  setCookie: string[]
  vary: string | null
}

class Client {
  constructor(
    private readonly send: Send,
    private readonly prefix: string,
    readonly jar = new ClientJar(),
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers = new Headers()
    const cookie = this.jar.header()
    if (cookie) headers.set('Cookie', cookie)
    if (body !== undefined) headers.set('Content-Type', 'application/json')
    const response = await this.send(`${this.prefix}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const setCookie = response.headers.getSetCookie()
    this.jar.apply(setCookie)
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, setCookie, vary: response.headers.get('Vary') }
  }
}

// ------------------------------------------------------------------------------------------------
// The Hono app: one sub-app per format
// ------------------------------------------------------------------------------------------------

const COOKIE_NAMES: Record<FormatId, string> = {
  sealed: 'sealed_session',
  signed: 'signed_session',
  'sealed+deflate': 'deflated_session',
  flask: 'session',
}

function sessionOptions(format: FormatId): SessionOptions {
  const common = {
    secrets: SECRETS,
    cookieName: COOKIE_NAMES[format],
    maxAge: 3600,
    permanent: true,
    // Over the 3 KB default, as the example apps: the suite chunks 6 KB sessions.
    maxSize: 12288,
    maxChunks: 4,
  }
  switch (format) {
    case 'sealed':
      return { ...common, format: 'sealed' }
    case 'signed':
      return { ...common, format: 'signed' }
    case 'sealed+deflate':
      return { ...common, format: 'sealed', compress: true }
    case 'flask':
      return { ...common, format: flask() }
  }
}

/** Keys starting with `_` are the app's own (`_user`): never shown, never written by the client. */
const visible = (data: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('_')))

function formatApp(format: FormatId): Hono<CookietinEnv> {
  const app = new Hono<CookietinEnv>()
  app.use(cookietin(sessionOptions(format)))
  app.post('/login', async (c) => {
    const { username, password } = await c.req.json<{ username?: string; password?: string }>()
    if (
      typeof username !== 'string' ||
      USERS[username] === undefined ||
      USERS[username] !== password
    ) {
      return c.json({ error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' } }, 401)
    }
    const session = c.get('session')
    session.regenerate()
    session.set('_user', username)
    session.flash(`Welcome, ${username}`)
    return c.json({ user: username })
  })
  app.get('/me', (c) => {
    const user = c.get('session').get('_user')
    return typeof user === 'string'
      ? c.json({ user })
      : c.json({ error: { code: 'UNAUTHORIZED', message: 'Not logged in' } }, 401)
  })
  app.get('/session', (c) => {
    const session = c.get('session')
    return c.json({ data: visible(session.data), isNew: session.isNew })
  })
  app.patch('/session', async (c) => {
    const session = c.get('session')
    const body = await c.req.json<Record<string, unknown>>()
    for (const [key, value] of Object.entries(body)) {
      if (value === null) session.delete(key)
      else session.set(key, value)
    }
    try {
      await commitSession(c)
    } catch (error) {
      // Nothing was written: the client keeps its previous session (the adapter sends no cookie for
      // it).
      if (isCookietinError(error) && error.code === 'SESSION_TOO_LARGE') {
        return c.json({ error: { code: 'SESSION_TOO_LARGE', message: error.message } }, 413)
      }
      throw error
    }
    return c.json({ data: visible(session.data) })
  })
  app.post('/flash', async (c) => {
    const { message, category } = await c.req.json<{ message: string; category?: string }>()
    c.get('session').flash(message, category)
    return c.body(null, 204)
  })
  app.get('/flash', (c) => c.json({ messages: c.get('session').consumeFlashes() }))
  app.post('/logout', (c) => {
    c.get('session').destroy()
    return c.body(null, 204)
  })
  return app
}

function createApp(): Hono {
  const app = new Hono()
  for (const format of FORMATS) app.route(`/${format}`, formatApp(format))
  return app
}

// ------------------------------------------------------------------------------------------------
// Scenarios
// ------------------------------------------------------------------------------------------------

async function appScenario(format: FormatId, send: Send): Promise<string> {
  const name = COOKIE_NAMES[format]
  const client = new Client(send, `/${format}`)
  const sessionNames = () =>
    client.jar.names().filter((n) => n === name || n.startsWith(`${name}.`))

  let reply = await client.call('GET', '/me')
  expectEqual(reply.status, 401, 'anonymous GET /me status')
  expectEqual(
    reply.setCookie,
    [],
    'anonymous GET /me Set-Cookie (an empty new session is not stored)',
  )

  reply = await client.call('POST', '/login', { username: 'alice', password: 'nope' })
  expectEqual(reply.status, 401, 'wrong password status')

  reply = await client.call('POST', '/login', { username: 'alice', password: 'wonderland' })
  expectEqual([reply.status, reply.body], [200, { user: 'alice' }], 'login')
  expectEqual(sessionNames(), [name], 'cookies after login')

  reply = await client.call('GET', '/me')
  expectEqual([reply.status, reply.body], [200, { user: 'alice' }], 'GET /me after login')
  expectTrue(/\bcookie\b/i.test(reply.vary ?? ''), `GET /me Vary: ${reply.vary}`)
  expectEqual(reply.setCookie, [], 'unchanged read Set-Cookie')

  const written = {
    theme: 'dark',
    note: 'héllo wörld · 日本語 · 🍪',
    list: [1, 'two', { three: 3 }],
  }
  reply = await client.call('PATCH', '/session', written)
  expectEqual([reply.status, reply.body], [200, { data: written }], 'PATCH /session')
  reply = await client.call('GET', '/session')
  expectEqual([reply.status, reply.body], [200, { data: written, isNew: false }], 'GET /session')

  reply = await client.call('GET', '/flash')
  expectEqual(
    reply.body,
    { messages: [{ category: 'message', message: 'Welcome, alice' }] },
    'login flash',
  )
  reply = await client.call('GET', '/flash')
  expectEqual(reply.body, { messages: [] }, 'flash read twice')
  reply = await client.call('POST', '/flash', { message: 'Saved', category: 'info' })
  expectEqual(reply.status, 204, 'POST /flash')
  reply = await client.call('GET', '/flash')
  expectEqual(
    reply.body,
    { messages: [{ category: 'info', message: 'Saved' }] },
    'flash with category',
  )

  let chunks: string
  reply = await client.call('PATCH', '/session', { blob: INCOMPRESSIBLE })
  if (format === 'flask') {
    // Flask reads one cookie: 6 KB cannot fit, and the previous session stays.
    expectEqual(
      [reply.status, (reply.body as { error?: { code?: string } }).error?.code],
      [413, 'SESSION_TOO_LARGE'],
      '6 KB PATCH',
    )
    expectEqual(reply.setCookie, [], '6 KB PATCH Set-Cookie')
    reply = await client.call('GET', '/session')
    expectEqual(reply.body, { data: written, isNew: false }, 'session after a refused PATCH')
    chunks = '6 KB refused with 413, previous session kept'
  } else {
    expectEqual(reply.status, 200, '6 KB PATCH status')
    const names = sessionNames()
    expectTrue(
      names.length >= 2 && names.every((n) => n.startsWith(`${name}.`)),
      `chunk cookies: ${names.join(', ')}`,
    )
    for (const n of names) {
      const size = n.length + (client.jar.cookies.get(n)?.length ?? 0)
      expectTrue(size <= 4096, `${n} is ${size} bytes`)
    }
    reply = await client.call('GET', '/session')
    expectEqual(
      reply.body,
      { data: { ...written, blob: INCOMPRESSIBLE }, isNew: false },
      'chunked session read back',
    )
    reply = await client.call('PATCH', '/session', { blob: null })
    expectEqual(
      [reply.status, sessionNames()],
      [200, [name]],
      'cookies after shrinking (chunks deleted)',
    )
    chunks = `6 KB in ${names.length} chunks, back to one cookie`
  }

  reply = await client.call('POST', '/logout')
  expectEqual(reply.status, 204, 'logout status')
  expectEqual(sessionNames(), [], 'session cookies after logout')
  reply = await client.call('GET', '/me')
  expectEqual(reply.status, 401, 'GET /me after logout')
  return `login, read/write, flash, ${chunks}, logout`
}

async function chunkRoundTrip(format: 'sealed' | 'signed'): Promise<string> {
  const handler = createSessionHandler({
    secrets: SECRETS,
    format,
    cookieName: 'big',
    maxSize: 12288,
    maxChunks: 4,
  })
  const jar = new ClientJar()
  let scope = await handler.begin(undefined, { secure: false })
  scope.session.set('blob', INCOMPRESSIBLE)
  jar.apply((await scope.finish()).setCookie)
  const chunkNames = jar.names()
  expectTrue(
    chunkNames.length >= 2 && chunkNames.every((n) => /^big\.\d$/.test(n)),
    `chunks: ${chunkNames.join(', ')}`,
  )
  for (const [n, value] of jar.cookies)
    expectTrue(n.length + value.length <= 4096, `${n} over 4096 bytes`)
  scope = await handler.begin(jar.header(), { secure: false })
  expectEqual(
    [scope.session.isNew, scope.session.get('blob')],
    [false, INCOMPRESSIBLE],
    'chunked session loaded',
  )
  scope.session.set('blob', 'small')
  jar.apply((await scope.finish()).setCookie)
  expectEqual(jar.names(), ['big'], 'cookies after shrinking')
  scope = await handler.begin(jar.header(), { secure: false })
  expectEqual(scope.session.get('blob'), 'small', 'shrunk session loaded')
  return `6144 bytes in ${chunkNames.length} chunks, loaded, shrunk to one cookie`
}

async function flaskRoundTrip(): Promise<string> {
  const handler = createSessionHandler({ secrets: SECRETS, format: flask(), cookieName: 'session' })
  let scope = await handler.begin(undefined, { secure: false })
  scope.session.set('blob', INCOMPRESSIBLE)
  let refused: unknown
  try {
    await scope.finish()
  } catch (error) {
    refused = error
  }
  expectTrue(
    isCookietinError(refused) && refused.code === 'SESSION_TOO_LARGE',
    `6 KB flask session: ${String(refused)}`,
  )
  const jar = new ClientJar()
  scope = await handler.begin(undefined, { secure: false })
  scope.session.set('user', 'alice')
  scope.session.flash('hi')
  jar.apply((await scope.finish()).setCookie)
  expectEqual(jar.names(), ['session'], 'flask cookies')
  scope = await handler.begin(jar.header(), { secure: false })
  expectEqual(
    [scope.session.get('user'), scope.session.consumeFlashes()],
    ['alice', [{ category: 'message', message: 'hi' }]],
    'flask session loaded',
  )
  return 'refused 6 KB; small session with a flash round-trips in one cookie'
}

/** Cookies the real libraries made, read through `migrateFrom` (Web Crypto on every runtime). */
async function migrateRoundTrip(): Promise<string> {
  const { keys, password, cases } = migrateFixtures
  const handler = createSessionHandler({
    secrets: SECRETS,
    migrateFrom: [
      cookieSession({ keys }),
      koaSession({ keys }),
      ironSession({ cookieName: 'iron', password }),
    ],
  })
  for (const { library, cookie, data, deleted } of cases) {
    const scope = await handler.begin(cookie, { secure: false })
    expectEqual([scope.session.isNew, { ...scope.session.data }], [false, data], library)
    const names = (await scope.finish()).setCookie.map((line) => line.slice(0, line.indexOf('=')))
    expectEqual(names, ['session', ...deleted], `${library}: Set-Cookie names`)
  }
  return cases.map((c) => c.library).join(', ')
}

function interopBlob(format: FormatId): string {
  // Native formats: 6 KB of random data, so chunked. Compressing formats: text that deflates well,
  // so the writer's zlib (node:zlib or CompressionStream) is what the reader inflates.
  return format === 'sealed+deflate' || format === 'flask' ? COMPRESSIBLE : INCOMPRESSIBLE
}

async function writeSession(
  format: FormatId,
  send: Send,
  runtime: string,
): Promise<WrittenSession> {
  const client = new Client(send, `/${format}`)
  let reply = await client.call('POST', '/login', { username: 'alice', password: 'wonderland' })
  expectEqual(reply.status, 200, 'login')
  const data = { writer: runtime, note: 'héllo wörld · 🍪', blob: interopBlob(format) }
  reply = await client.call('PATCH', '/session', data)
  expectEqual(reply.status, 200, 'PATCH /session')
  reply = await client.call('POST', '/flash', {
    message: `written on ${runtime}`,
    category: 'interop',
  })
  expectEqual(reply.status, 204, 'POST /flash')
  return {
    format,
    writer: runtime,
    cookie: client.jar.header(),
    expect: {
      user: 'alice',
      data,
      messages: [
        { category: 'message', message: 'Welcome, alice' },
        { category: 'interop', message: `written on ${runtime}` },
      ],
    },
  }
}

async function readSession(written: WrittenSession, send: Send): Promise<void> {
  const client = new Client(send, `/${written.format}`, ClientJar.fromHeader(written.cookie))
  let reply = await client.call('GET', '/me')
  expectEqual([reply.status, reply.body], [200, { user: written.expect.user }], 'GET /me')
  reply = await client.call('GET', '/session')
  expectEqual(reply.body, { data: written.expect.data, isNew: false }, 'GET /session')
  reply = await client.call('GET', '/flash')
  expectEqual(reply.body, { messages: written.expect.messages }, 'GET /flash')
}

// ------------------------------------------------------------------------------------------------
// Entry point
// ------------------------------------------------------------------------------------------------

function describeError(error: unknown): string {
  if (error instanceof CheckFailure) return error.message
  if (error instanceof Error)
    return `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`
  return String(error)
}

/** Runs one phase, emitting one JSON-able line per check; never throws. */
export async function runSuite(
  host: Host,
  input: SuiteInput,
  emit: (line: SuiteLine) => void,
): Promise<void> {
  const app = createApp()
  const fetchApp = createFetchApp(FORMATS, (format) => sessionOptions(format as FormatId), USERS)
  let server: Server | undefined
  let fetchServer: Server | undefined
  try {
    server = host.serve ? await host.serve(app.fetch) : undefined
    fetchServer = host.serve ? await host.serve(fetchApp) : undefined
  } catch (error) {
    emit({ type: 'check', name: 'serve', ok: false, ms: 0, error: describeError(error) })
  }
  const origin = server?.origin
  const send: Send = origin
    ? (path, init) => fetch(`${origin}${path}`, { ...init, redirect: 'manual' })
    : async (path, init) => app.request(path, init)
  // Without a server (workerd), the handler is called as the runtime calls a Worker's `fetch`.
  const fetchOrigin = fetchServer?.origin
  const sendFetch: Send = fetchOrigin
    ? (path, init) => fetch(`${fetchOrigin}${path}`, { ...init, redirect: 'manual' })
    : async (path, init) => fetchApp(new Request(new URL(path, 'http://worker.test'), init))
  emit({
    type: 'info',
    runtime: host.runtime,
    version: host.version,
    backend: createKeyring(SECRETS).backend.name,
    resolved: host.resolved ?? {},
    transport: origin ? `HTTP server at ${origin}` : 'app.request (no server in the runtime)',
  })

  const run = async (name: string, check: () => Promise<string>) => {
    const start = performance.now()
    try {
      const detail = await check()
      emit({ type: 'check', name, ok: true, ms: Math.round(performance.now() - start), detail })
    } catch (error) {
      emit({
        type: 'check',
        name,
        ok: false,
        ms: Math.round(performance.now() - start),
        error: describeError(error),
      })
    }
  }

  try {
    if (input.phase === 'checks') {
      const web = host.webBackend
      const checks: Record<string, () => Promise<string>> = {
        'signed vectors': () => checkNativeVectors('signed', undefined),
        'sealed vectors': () => checkNativeVectors('sealed', undefined),
        'flask vectors': () => checkFlaskVectors(undefined),
        'session round trip with chunking: 6 KB incompressible, sealed': () =>
          chunkRoundTrip('sealed'),
        'session round trip with chunking: 6 KB incompressible, signed': () =>
          chunkRoundTrip('signed'),
        'session round trip, flask: one cookie, 6 KB refused with SessionTooLargeError':
          flaskRoundTrip,
        'migrateFrom: cookie-session, koa-session and iron-session cookies become sessions':
          migrateRoundTrip,
      }
      if (web) {
        checks['signed vectors (web back-end, injected)'] = () => checkNativeVectors('signed', web)
        checks['sealed vectors (web back-end, injected)'] = () => checkNativeVectors('sealed', web)
        checks['flask vectors (web back-end, injected)'] = () => checkFlaskVectors(web)
      }
      for (const format of FORMATS) {
        checks[`hono app (${format}): login, session read/write, flash, chunks, logout`] = () =>
          appScenario(format, send)
        checks[`fetch handler (${format}): login, session read/write, flash, chunks, logout`] =
          () => appScenario(format, sendFetch)
      }
      for (const name of plannedChecks({ webBackendToo: web !== undefined })) {
        const check = checks[name]
        await run(
          name,
          check ?? (() => Promise.reject(new CheckFailure('no such check in the suite'))),
        )
      }
      for (const format of FORMATS) {
        try {
          emit({ type: 'session', session: await writeSession(format, send, host.runtime) })
        } catch (error) {
          emit({
            type: 'check',
            name: `write the ${format} interop session`,
            ok: false,
            ms: 0,
            error: describeError(error),
          })
        }
      }
    } else {
      for (const written of input.sessions) {
        const start = performance.now()
        let error: string | undefined
        try {
          await readSession(written, send)
        } catch (caught) {
          error = describeError(caught)
        }
        const ms = Math.round(performance.now() - start)
        emit({
          type: 'interop',
          format: written.format,
          writer: written.writer,
          ok: error === undefined,
          ms,
          ...(error === undefined ? {} : { error }),
        })
      }
    }
  } finally {
    await server?.close().catch(() => undefined)
    await fetchServer?.close().catch(() => undefined)
    emit({ type: 'end' })
  }
}
