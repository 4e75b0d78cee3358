/**
 * `@cookietin/core/testing`: make the session cookie a request should carry, and read the session a
 * response's `Set-Cookie` lines hold, in every session format (sealed, signed, Flask), for tests and
 * tools. The `cookietin` CLI (`@cookietin/cli`) is built on these functions.
 *
 * Built only on core's public API and the formats specified in docs/format.md and docs/sessions.md:
 * a native session is the JSON `{"i": id, "d": data, "f"?: [[category, message]], "p"?: 1}` signed or
 * sealed under the name `session:` + cookie name, cut into `name.0`, `name.1`, ... when too long.
 *
 * @example
 * import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
 * const cookie = await createSessionCookie({ secrets: [SECRET], data: { user: 'alice' } })
 * const response = await fetch(url, { headers: { cookie } })
 * const data = await readSessionCookie(response.headers, { secrets: [SECRET] }) // { user: 'alice', ... } or null
 */
import {
  type CookieOptions,
  createKeyring,
  type InvalidReason,
  MAX_COOKIE_SIZE,
  parseCookies,
  resolveSessionOptions,
  type Secret,
  type SessionCookieOptions,
  type SessionFormatFactory,
  sealValue,
  serializeCookie,
  signValue,
  unsealValue,
  verifyValue,
} from '@cookietin/core'
import {
  createFlaskCodec,
  FLASK_DEFAULT_MAX_AGE,
  FlaskTuple,
  isFlaskTuple,
  isFlaskUUID,
  Markup,
} from '@cookietin/core/flask'
import { type CookieKind, peekCookieValue, untagFlaskJson } from './testing/peek.ts'

export { type CookieKind, peekCookieValue, untagFlaskJson, type Peeked } from './testing/peek.ts'

/** The session formats by name: core's native `sealed` (default) and `signed`, and Flask's. */
export type TestingFormat = 'sealed' | 'signed' | 'flask'

/**
 * What `format` accepts: every value the session options take (`'sealed'`, `'signed'`, or a format
 * factory such as `flask()` from `@cookietin/core/flask`), and `'flask'` as a name for Flask's.
 * With a factory the cookie is made and read by that format itself, exactly as the session handler
 * does (so `flask({ salt })` is honoured), and its `maxAge` default is the handler's, 14 days.
 */
export type TestingFormatOption = TestingFormat | SessionFormatFactory

/**
 * Unix seconds, or a clock in Unix milliseconds as the session option `now` takes, so one options
 * object can configure both the app and these helpers.
 */
export type TestingClock = number | (() => number)

/** A native session's default lifetime (docs/sessions.md): 14 days. */
export const DEFAULT_SESSION_MAX_AGE = 1_209_600
/** The name a native session is bound to: `session:` + cookie name (docs/format.md §13). */
export const sessionBinding = (cookieName: string) => `session:${cookieName}`

export interface TestFlash {
  category?: string
  message: string
}

/**
 * The options of a session cookie to make. The fields it shares with `SessionOptions` take the same
 * values, so the options an app's middleware is created with can be spread in:
 * `createSessionCookie({ ...sessionOptions, data: { user: 'alice' } })`.
 */
export interface MintOptions {
  /** Secrets, newest first; the newest signs or seals. For `flask`, Flask's SECRET_KEY (strings). */
  secrets: Secret | readonly Secret[]
  /** @default 'sealed' */
  format?: TestingFormatOption
  /** The session's data. @default {} */
  data?: Record<string, unknown>
  /** @default 'session' */
  cookieName?: string
  /**
   * Native formats: the lifetime written into the token (seconds). @default 1209600 (14 days).
   * Flask keeps no lifetime in the cookie; here it is only the Max-Age of a permanent session's
   * Set-Cookie line. @default 2678400 (31 days)
   */
  maxAge?: number
  /** A permanent session (Flask's `session.permanent`): its Set-Cookie lines get Max-Age. @default false */
  permanent?: boolean
  /** Pending flashed messages. */
  flashes?: readonly TestFlash[]
  /** Native session id. @default 32 random hex digits */
  id?: string
  /** Issued-at (see `TestingClock`); set it in the past to make an expired cookie. @default now */
  now?: TestingClock
  /** Native formats: deflate the payload (see docs/format.md §4 for why it is off). @default false */
  compress?: boolean
  /**
   * Set-Cookie attributes. `secure: 'auto'` (the session option's default) is left out: a test
   * client speaks plain HTTP. @default { path: '/', httpOnly: true, sameSite: 'Lax' }
   */
  cookie?: CookieOptions | SessionCookieOptions
}

export interface MintedCookie {
  /** The `Cookie` request header value: `session=...`, or `session.0=...; session.1=...`. */
  cookie: string
  /** One `Set-Cookie` header value per cookie (each at most 4096 bytes). */
  setCookie: string[]
  /** The whole token, before chunking. */
  token: string
  chunks: { name: string; value: string }[]
  /** Native key id of the newest secret; null for Flask and for a format factory. */
  keyId: string | null
  issuedAt: number
  /** Unix seconds; null when the cookie carries no expiry (Flask) or for a format factory. */
  expiresAt: number | null
}

const asList = <T>(secrets: T | readonly T[]): T[] =>
  Array.isArray(secrets) ? [...(secrets as T[])] : [secrets as T]

function flaskSecrets(secrets: readonly Secret[]): string[] {
  return secrets.map((secret, index) => {
    if (typeof secret !== 'string')
      throw new TypeError(`Flask secret #${index} must be a string, as Flask's SECRET_KEY`)
    return secret
  })
}

function checkFormat(format: unknown): TestingFormatOption {
  if (format === 'sealed' || format === 'signed' || format === 'flask') return format
  if (typeof format === 'function') return format as SessionFormatFactory
  throw new TypeError(
    `format must be 'sealed', 'signed', 'flask' or a format such as flask(); got ${String(format)}`,
  )
}

const nowSeconds = () => Math.floor(Date.now() / 1000)
const secondsOf = (clock: TestingClock | undefined): number =>
  typeof clock === 'function' ? Math.floor(clock() / 1000) : (clock ?? nowSeconds())

/** The Set-Cookie attributes: the defaults, then the caller's, without `secure: 'auto'`. */
function cookieAttributes(cookie: MintOptions['cookie']): CookieOptions {
  const { secure, ...rest } = cookie ?? {}
  const attributes: CookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', ...rest }
  if (typeof secure === 'boolean') attributes.secure = secure
  return attributes
}

/**
 * The format a factory builds from these secrets and lifetime, through the session options' own
 * validation, so a bad secret or option throws the `ConfigError` the middleware would.
 */
function formatFromFactory(
  factory: SessionFormatFactory,
  options: { secrets: Secret | readonly Secret[]; cookieName: string; maxAge: number },
) {
  return resolveSessionOptions({ ...options, format: factory, warn: () => {} }).format
}

function randomId(): string {
  let id = ''
  for (const byte of crypto.getRandomValues(new Uint8Array(16)))
    id += byte.toString(16).padStart(2, '0')
  return id
}

/**
 * Cuts a value into cookies whose `Set-Cookie` lines stay within 4096 bytes: the value itself when it
 * fits, else `name.0`, `name.1`, ... (docs/sessions.md "Size and chunking").
 */
export function chunkCookie(
  name: string,
  value: string,
  attributes: CookieOptions = {},
): { name: string; value: string }[] {
  const suffix = serializeCookie(name, '', attributes).length - name.length - 1
  if (name.length + 1 + suffix + value.length <= MAX_COOKIE_SIZE) return [{ name, value }]
  const chunks: { name: string; value: string }[] = []
  for (let offset = 0, index = 0; offset < value.length; index++) {
    const chunk = `${name}.${index}`
    const room = MAX_COOKIE_SIZE - (chunk.length + 1 + suffix)
    chunks.push({ name: chunk, value: value.slice(offset, offset + room) })
    offset += room
  }
  return chunks
}

/** Mints a session cookie in any format: the Cookie header to send, the Set-Cookie lines, the token. */
export async function mintSessionCookie(options: MintOptions): Promise<MintedCookie> {
  const format = checkFormat(options.format ?? 'sealed')
  const cookieName = options.cookieName ?? 'session'
  const secrets = asList(options.secrets)
  const data = options.data ?? {}
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new TypeError('data must be an object')
  const now = secondsOf(options.now)
  const flashes = (options.flashes ?? []).map(
    (flash) => [flash.category ?? 'message', flash.message] as [string, string],
  )
  const permanent = options.permanent ?? false
  const maxAge =
    options.maxAge ?? (format === 'flask' ? FLASK_DEFAULT_MAX_AGE : DEFAULT_SESSION_MAX_AGE)

  let token: string
  let keyId: string | null = null
  let expiresAt: number | null = null
  // Flask reads exactly one cookie; a factory's format says how many it reads.
  let maxChunks = format === 'flask' ? 1 : Number.POSITIVE_INFINITY
  let formatName: string = typeof format === 'function' ? 'custom' : format
  if (typeof format === 'function') {
    const built = formatFromFactory(format, { secrets, cookieName, maxAge })
    formatName = built.name
    maxChunks = built.maxChunks ?? maxChunks
    const payload = {
      id: options.id ?? randomId(),
      data: { ...data },
      flashes: flashes.map(([category, message]) => ({ category, message })),
      permanent,
    }
    token = await built.encode(payload, { name: sessionBinding(cookieName), maxAge, now })
  } else if (format === 'flask') {
    const codec = createFlaskCodec({ secrets: flaskSecrets(secrets), warn: () => {} })
    const value: Record<string, unknown> = { ...data }
    if (permanent) value['_permanent'] = true
    if (flashes.length > 0)
      value['_flashes'] = flashes.map(([category, message]) => new FlaskTuple(category, message))
    token = await codec.dumps(value, now)
  } else {
    const keyring = createKeyring(secrets)
    keyId = (await keyring.current()).id
    const wire: Record<string, unknown> = { i: options.id ?? randomId(), d: data }
    if (flashes.length > 0) wire['f'] = flashes
    if (permanent) wire['p'] = 1
    const make = format === 'sealed' ? sealValue : signValue
    token = await make(keyring, sessionBinding(cookieName), JSON.stringify(wire), {
      maxAge,
      now,
      compress: options.compress ?? false,
    })
    expiresAt = Math.min(0xffffffff, Math.max(1, now + Math.max(0, Math.floor(maxAge))))
  }

  const attributes = cookieAttributes(options.cookie)
  if (permanent && attributes.maxAge === undefined) attributes.maxAge = maxAge
  const chunks = chunkCookie(cookieName, token, attributes)
  if (chunks.length > maxChunks) {
    throw new RangeError(
      formatName === 'flask'
        ? `The Flask session is ${token.length} bytes: Flask reads one cookie, ` +
            `and a browser keeps at most ${MAX_COOKIE_SIZE} bytes`
        : `The ${formatName} session needs ${chunks.length} cookies; ` +
            `its format reads at most ${maxChunks}`,
    )
  }
  return {
    cookie: chunks.map((chunk) => `${chunk.name}=${chunk.value}`).join('; '),
    setCookie: chunks.map((chunk) => serializeCookie(chunk.name, chunk.value, attributes)),
    token,
    chunks,
    keyId,
    issuedAt: now,
    expiresAt,
  }
}

/**
 * The `Cookie` header value a request needs to carry this session, e.g. for `fetch`, supertest or
 * curl. Chunked into `name.0`, `name.1`, ... when the token is over one cookie's 4096 bytes.
 * @example await createSessionCookie({ secrets: [SECRET], format: 'signed', data: { user: 'alice' } })
 */
export async function createSessionCookie(options: MintOptions): Promise<string> {
  return (await mintSessionCookie(options)).cookie
}

/** What carries `Set-Cookie` lines: one line, a list of them, or a `Headers` (its `getSetCookie()`). */
export type SetCookieSource =
  | string
  | readonly string[]
  | { getSetCookie(): string[] }
  | null
  | undefined

function setCookieLines(source: SetCookieSource): string[] {
  if (source === null || source === undefined) return []
  if (typeof source === 'string') return [source]
  if (Array.isArray(source)) return [...(source as string[])]
  return (source as { getSetCookie(): string[] }).getSetCookie()
}

/**
 * The cookies a client holds after these `Set-Cookie` lines, as a browser applies them in order:
 * a later line replaces an earlier one, and one with `Max-Age` ≤ 0 or a past `Expires` deletes it.
 */
export function cookiesFromSetCookie(
  source: SetCookieSource,
  now = nowSeconds(),
): Record<string, string> {
  const jar: Record<string, string> = {}
  for (const raw of setCookieLines(source)) {
    const line = raw.replace(/^\s*set-cookie\s*:/i, '')
    const [pair = '', ...attributes] = line.split(';')
    const parsed = parseCookies(pair)
    const name = Object.keys(parsed)[0]
    if (name === undefined) continue
    let deleted = false
    for (const attribute of attributes) {
      const [key = '', ...rest] = attribute.split('=')
      const value = rest.join('=').trim()
      const lower = key.trim().toLowerCase()
      if (lower === 'max-age' && /^-?\d+$/.test(value)) deleted = Number(value) <= 0
      else if (lower === 'expires' && !attributes.some((a) => /^\s*max-age\s*=/i.test(a))) {
        const time = Date.parse(value)
        if (!Number.isNaN(time) && time <= now * 1000) deleted = true
      }
    }
    if (deleted) delete jar[name]
    else jar[name] = parsed[name] as string
  }
  return jar
}

/** A session's value from one cookie `name`, or from `name.0`, `name.1`, ... joined (docs/sessions.md). */
export function joinSessionCookies(
  cookies: Readonly<Record<string, string>>,
  name: string,
): { value: string; cookies: string[] } | null {
  if (Object.hasOwn(cookies, name)) return { value: cookies[name] as string, cookies: [name] }
  let value = ''
  const names: string[] = []
  for (let index = 0; Object.hasOwn(cookies, `${name}.${index}`); index++) {
    names.push(`${name}.${index}`)
    value += cookies[`${name}.${index}`]
  }
  return names.length > 0 ? { value, cookies: names } : null
}

/**
 * How to read a session cookie: the fields are `SessionOptions`' own, so the app's options can be
 * passed as they are (extra ones are ignored).
 */
export interface ReadOptions {
  secrets: Secret | readonly Secret[]
  /** @default 'sealed' */
  format?: TestingFormatOption
  /** @default 'session' */
  cookieName?: string
  /**
   * Flask only (native tokens carry their own expiry): the app's PERMANENT_SESSION_LIFETIME in
   * seconds. @default 2678400 (31 days) for `'flask'`; 1209600 (14 days) for `flask()`, as the
   * session handler's
   */
  maxAge?: number
  /** When to check expiry (see `TestingClock`). @default now */
  now?: TestingClock
}

export interface OpenedSession {
  ok: true
  data: Record<string, unknown>
  flashes: { category: string; message: string }[]
  permanent: boolean
  /** Native session id; '' for Flask. */
  id: string
  issuedAt: number
  /** Unix seconds; null for no expiry. For Flask, issued-at + maxAge. */
  expiresAt: number | null
  /** Index of the secret that verified: anything but 0 means the server re-issues the cookie. */
  secretIndex: number
  /** Native key id of that secret; null for Flask. */
  keyId: string | null
}

export type SessionFailure = InvalidReason | 'too_large' | 'not_a_session'
export type OpenSessionResult = OpenedSession | { ok: false; reason: SessionFailure }

/** The key id each secret signs with (`DerivedKey.id`), in order. Throws ConfigError for a bad secret. */
export async function keyIdsOf(secrets: Secret | readonly Secret[]): Promise<string[]> {
  const list = asList(secrets)
  createKeyring(list) // checks length and duplicates, naming the secret by position only
  return Promise.all(list.map(async (secret) => (await createKeyring([secret]).current()).id))
}

async function secretIndexOf(list: readonly Secret[], keyId: string): Promise<number> {
  return (await keyIdsOf(list)).indexOf(keyId)
}

function readWire(
  json: string,
): Omit<OpenedSession, 'ok' | 'issuedAt' | 'expiresAt' | 'secretIndex' | 'keyId'> | null {
  let wire: unknown
  try {
    wire = JSON.parse(json)
  } catch {
    return null
  }
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) return null
  const { i, d, f, p } = wire as Record<string, unknown>
  if (typeof i !== 'string' || typeof d !== 'object' || d === null || Array.isArray(d)) return null
  const flashes: { category: string; message: string }[] = []
  if (f !== undefined) {
    if (!Array.isArray(f)) return null
    for (const entry of f) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string')
        return null
      flashes.push({ category: entry[0], message: entry[1] })
    }
  }
  return { id: i, data: d as Record<string, unknown>, flashes, permanent: p === 1 }
}

/**
 * Opens one session token (already joined from its chunks) with the secrets, in a format named by
 * `TestingFormat` (its details need to know the format). Never throws for any `value`.
 */
export async function openSessionValue(
  value: string,
  options: ReadOptions & { format?: TestingFormat },
): Promise<OpenSessionResult> {
  const format = checkFormat(options.format ?? 'sealed')
  if (typeof format === 'function')
    throw new TypeError('openSessionValue takes a format name; readSessionCookie reads any format')
  const cookieName = options.cookieName ?? 'session'
  const secrets = asList(options.secrets)
  const now = secondsOf(options.now)
  if (format === 'flask') {
    const maxAge = options.maxAge ?? FLASK_DEFAULT_MAX_AGE
    const codec = createFlaskCodec({ secrets: flaskSecrets(secrets), maxAge, warn: () => {} })
    const result = await codec.loads(value, now)
    if (!result.ok)
      return { ok: false, reason: result.reason === 'future' ? 'not_yet_valid' : result.reason }
    const data: Record<string, unknown> = { ...result.value }
    const stored = data['_flashes']
    const flashes: { category: string; message: string }[] = []
    if (Array.isArray(stored)) {
      for (const entry of stored) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
          flashes.push({ category: entry[0], message: entry[1] })
        }
      }
    }
    const permanent = data['_permanent'] === true
    delete data['_flashes']
    delete data['_permanent']
    return {
      ok: true,
      data,
      flashes,
      permanent,
      id: '',
      issuedAt: result.timestamp,
      expiresAt: result.timestamp + maxAge,
      secretIndex: result.keyIndex,
      keyId: null,
    }
  }
  const keyring = createKeyring(secrets)
  const open = format === 'sealed' ? unsealValue : verifyValue
  const opened = await open(keyring, sessionBinding(cookieName), value, { now })
  if (!opened.ok) return opened
  const session = readWire(opened.value)
  if (!session) return { ok: false, reason: 'not_a_session' }
  const keyId = value.slice(3, value.indexOf('.', 3))
  return {
    ok: true,
    ...session,
    issuedAt: opened.issuedAt,
    expiresAt: opened.expiresAt === 0 ? null : opened.expiresAt,
    secretIndex: await secretIndexOf(secrets, keyId),
    keyId,
  }
}

/**
 * The session a response's `Set-Cookie` lines leave the client with, applied in order as a browser
 * does (chunks joined, `Max-Age=0` deletions applied), or `null` when they delete it, hold none (a
 * response that left the session unchanged sends no cookie), or hold one that does not verify.
 * Reads every format; `options` may be the session options the app's middleware was created with.
 * @example
 * const response = await app.request('/login', { method: 'POST' })
 * expect(await readSessionCookie(response.headers, { secrets: [SECRET] })).toEqual({ user: 'alice' })
 */
export async function readSessionCookie(
  setCookie: SetCookieSource,
  options: ReadOptions,
): Promise<Record<string, unknown> | null> {
  const now = secondsOf(options.now)
  const cookieName = options.cookieName ?? 'session'
  const joined = joinSessionCookies(cookiesFromSetCookie(setCookie, now), cookieName)
  if (!joined) return null
  const format = checkFormat(options.format ?? 'sealed')
  if (typeof format === 'function') {
    const maxAge = options.maxAge ?? DEFAULT_SESSION_MAX_AGE
    const built = formatFromFactory(format, { secrets: options.secrets, cookieName, maxAge })
    const decoded = await built.decode(joined.value, {
      name: sessionBinding(cookieName),
      maxAge,
      now,
    })
    // A plain object, whatever prototype the format gave the data (spread keeps `__proto__` a key).
    return decoded.ok ? { ...decoded.payload.data } : null
  }
  const opened = await openSessionValue(joined.value, { ...options, format, now })
  return opened.ok ? opened.data : null
}

/**
 * A value from `@cookietin/core/flask` (FlaskTuple, Markup, FlaskUUID, Date, Uint8Array) as plain JSON,
 * for printing: tuples are lists, the others their text, bytes `{ "$bytes": base64 }`.
 */
export function toPlainJson(value: unknown): unknown {
  if (isFlaskTuple(value) || Array.isArray(value))
    return Array.from(value as unknown[], toPlainJson)
  if (value instanceof Markup || isFlaskUUID(value)) return (value as { toJSON(): string }).toJSON()
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Uint8Array) {
    let binary = ''
    for (const byte of value) binary += String.fromCharCode(byte)
    return { $bytes: btoa(binary) }
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value))
      out[key] = toPlainJson((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

// ---------------------------------------------------------------------------------------------------
// Inspection: what any cookie is and says, verified when secrets are given.

export type InputShape = 'value' | 'cookie-header' | 'set-cookie'

export interface InspectOptions {
  /** Secrets to verify or open with, newest first. Without them, nothing is verified. */
  secrets?: readonly Secret[]
  /** The session cookie to pick from a header. @default 'session' */
  cookieName?: string
  /** Unix seconds. @default now */
  now?: number
  /** Flask's PERMANENT_SESSION_LIFETIME, for Flask expiry. @default 2678400 */
  flaskMaxAge?: number
}

export interface Inspection {
  /** What the input was: a bare value, a `Cookie` header, or `Set-Cookie` line(s). */
  input: InputShape
  /** The cookie inspected; null for a bare value. */
  cookieName: string | null
  /** The cookies joined into the value (`session.0`, `session.1`, ...); empty for a bare value. */
  cookies: string[]
  kind: CookieKind
  /** For native tokens: `session` (bound to `session:` + name), `cookie` (a plain signed cookie), or null when not verified. */
  binding: 'session' | 'cookie' | null
  keyId: string | null
  issuedAt: number | null
  expiresAt: number | null
  compressed: boolean
  /** The payload when readable: a session's `{ id, data, flashes, permanent }`, a parsed JSON value, or the text. */
  payload: unknown
  /** True when the payload is a session (native wire JSON, or a Flask session). */
  isSession: boolean
  /** True when secrets were given and one of them verified it. */
  verified: boolean
  /** Index and key id (null for Flask) of the secret that verified it. */
  secret: { index: number; keyId: string | null } | null
  /** Verified with an older secret: a server re-issues it with the newest. */
  stale: boolean
  expired: boolean
  /** False with `reason` when it is malformed, expired, or does not verify with the secrets given. */
  valid: boolean
  reason: string | null
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Finds the cookie value in whatever was pasted: a value, a Cookie header, or Set-Cookie line(s). */
export function locateCookie(
  input: string,
  cookieName = 'session',
  now = nowSeconds(),
):
  | { input: InputShape; cookieName: string | null; cookies: string[]; value: string }
  | { error: string } {
  const lines = input
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
  const setCookie = lines.filter((line) => /^set-cookie\s*:/i.test(line))
  const cookieLine = lines.find((line) => /^cookie\s*:/i.test(line))
  const text = (lines.length === 1 ? lines[0] : input.trim()) ?? ''
  // A Set-Cookie line without its header name: the pair, then attributes such as Path or HttpOnly.
  const bareSetCookie =
    setCookie.length === 0 &&
    !cookieLine &&
    lines.length >= 1 &&
    lines.every((line) =>
      /;\s*(path|domain|expires|max-age|httponly|secure|samesite|partitioned|priority)\b/i.test(
        line,
      ),
    )
  if (setCookie.length > 0 || bareSetCookie) {
    const jar = cookiesFromSetCookie(setCookie.length > 0 ? setCookie : lines, now)
    return fromJar(jar, 'set-cookie', cookieName)
  }
  if (cookieLine)
    return fromJar(
      parseCookies(cookieLine.replace(/^cookie\s*:/i, '')),
      'cookie-header',
      cookieName,
    )
  const eq = text.indexOf('=')
  if (eq > 0 && TOKEN.test(text.slice(0, eq).trim()) && !/^[A-Za-z0-9+/]+=*$/.test(text)) {
    return fromJar(parseCookies(text), 'cookie-header', cookieName)
  }
  return { input: 'value', cookieName: null, cookies: [], value: text }
}

function fromJar(
  jar: Record<string, string>,
  input: InputShape,
  cookieName: string,
):
  | { input: InputShape; cookieName: string | null; cookies: string[]; value: string }
  | { error: string } {
  const joined = joinSessionCookies(jar, cookieName)
  if (joined) return { input, cookieName, cookies: joined.cookies, value: joined.value }
  const names = Object.keys(jar)
  // One cookie of another name: that is the one meant.
  if (names.length === 1)
    return {
      input,
      cookieName: names[0] as string,
      cookies: names,
      value: jar[names[0] as string] as string,
    }
  return {
    error:
      names.length === 0
        ? 'no cookie found in the input'
        : `no cookie named ${cookieName} (found: ${names.join(', ')}); pass --name`,
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * Everything a cookie says: format, key id, times, payload where readable, and with secrets whether it
 * verifies, which secret matched and whether it is due for re-issue. Never prints or returns a secret.
 * Throws `ConfigError` only for unusable secrets (too short for a native keyring, duplicated).
 */
export async function inspectCookie(
  input: string,
  options: InspectOptions = {},
): Promise<Inspection> {
  const now = options.now ?? nowSeconds()
  const located = locateCookie(input, options.cookieName ?? 'session', now)
  const base: Inspection = {
    input: 'value',
    cookieName: null,
    cookies: [],
    kind: 'plain',
    binding: null,
    keyId: null,
    issuedAt: null,
    expiresAt: null,
    compressed: false,
    payload: null,
    isSession: false,
    verified: false,
    secret: null,
    stale: false,
    expired: false,
    valid: false,
    reason: null,
  }
  if ('error' in located) return { ...base, reason: located.error }
  const { value } = located
  const peeked = await peekCookieValue(value)
  const result: Inspection = {
    ...base,
    input: located.input,
    cookieName: located.cookieName,
    cookies: located.cookies,
    kind: peeked.kind,
    keyId: peeked.keyId,
    issuedAt: peeked.issuedAt,
    expiresAt: peeked.expiresAt,
    compressed: peeked.compressed,
    valid: peeked.problem === null,
    reason: peeked.problem,
  }
  const flaskMaxAge = options.flaskMaxAge ?? FLASK_DEFAULT_MAX_AGE
  if (peeked.text !== null) {
    if (peeked.kind === 'flask') {
      const dict = untagFlaskJson(JSON.parse(peeked.text)) as Record<string, unknown>
      result.payload = flaskPayload(dict)
      result.isSession = true
      if (peeked.issuedAt !== null) result.expiresAt = peeked.issuedAt + flaskMaxAge
    } else if (peeked.kind === 'signed') {
      const session = readWire(peeked.text)
      result.isSession = session !== null
      result.payload = session ?? parseMaybeJson(peeked.text)
    } else {
      result.payload = parseMaybeJson(peeked.text)
    }
  }
  const secrets = options.secrets ?? []
  const name = located.cookieName ?? options.cookieName ?? 'session'
  if (secrets.length > 0 && result.valid) {
    if (peeked.kind === 'plain') {
      result.valid = false
      result.reason = 'not a cookietin or Flask token: nothing to verify'
    } else if (peeked.kind === 'flask') {
      const opened = await openSessionValue(value, {
        secrets,
        format: 'flask',
        maxAge: flaskMaxAge,
        now,
      })
      applyOpened(result, opened)
      if (opened.ok) {
        result.payload = toPlainJson({
          data: opened.data,
          flashes: opened.flashes,
          permanent: opened.permanent,
        })
      }
    } else {
      const keyring = createKeyring(secrets)
      const open = peeked.kind === 'sealed' ? unsealValue : verifyValue
      // A session first (bound to `session:` + name), then a plain signed or sealed cookie (bound to its name).
      let opened = await open(keyring, sessionBinding(name), value, { now })
      let binding: 'session' | 'cookie' = 'session'
      if (!opened.ok && opened.reason === 'bad_signature') {
        const plain = await open(keyring, name, value, { now })
        if (plain.ok || plain.reason !== 'bad_signature') {
          opened = plain
          binding = 'cookie'
        }
      }
      if (opened.ok) {
        result.binding = binding
        result.verified = true
        result.issuedAt = opened.issuedAt
        result.expiresAt = opened.expiresAt === 0 ? null : opened.expiresAt
        result.stale = opened.stale
        const index = await secretIndexOf(secrets, peeked.keyId as string)
        result.secret = { index, keyId: peeked.keyId }
        const session = binding === 'session' ? readWire(opened.value) : null
        result.isSession = session !== null
        result.payload = session ?? parseMaybeJson(opened.value)
      } else {
        result.valid = false
        result.reason = opened.reason
        if (opened.reason === 'expired') result.expired = true
      }
    }
  }
  // Without secrets (or before verifying), the times the token states still tell whether it expired.
  if (result.valid && result.expiresAt !== null && now >= result.expiresAt) {
    result.expired = true
    result.valid = false
    result.reason = 'expired'
  }
  return result
}

/** A Flask session dict in the shape of a native one: `{ data, flashes, permanent }`. */
function flaskPayload(dict: Record<string, unknown>): Record<string, unknown> {
  const { _permanent: permanent, _flashes: flashes, ...data } = dict
  const list = Array.isArray(flashes)
    ? flashes
        .filter((entry): entry is [string, string] => Array.isArray(entry) && entry.length === 2)
        .map(([category, message]) => ({ category, message }))
    : []
  return { data, flashes: list, permanent: permanent === true }
}

function applyOpened(result: Inspection, opened: OpenSessionResult): void {
  if (!opened.ok) {
    result.valid = false
    result.reason = opened.reason
    if (opened.reason === 'expired') result.expired = true
    return
  }
  result.verified = true
  // Flask binds nothing but its salt: there is no cookie name in its signature.
  result.binding = null
  result.issuedAt = opened.issuedAt
  result.expiresAt = opened.expiresAt
  result.secret = { index: opened.secretIndex, keyId: opened.keyId }
  result.stale = opened.secretIndex > 0
}
