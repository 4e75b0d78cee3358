/**
 * The apps' configuration, read once from the environment at start-up. Every mistake throws a
 * `SiteConfigError` naming the variable, so a misconfigured app refuses to start instead of failing
 * at its first request.
 */
import { randomBytes } from 'node:crypto'
import {
  MIN_SECRET_BYTES,
  createKeyring,
  isCookietinError,
  isValidCookieName,
  type SessionOptions,
} from '@cookietin/core'
import { USER_KEY } from './api.ts'
import { STORE_TIMEOUT, storeFor } from './store.ts'

export type Env = Readonly<Record<string, string | undefined>>

export type FormatName = 'sealed' | 'signed' | 'flask'

export interface SiteConfig {
  /** `NODE_ENV === 'production'`; anything else is development. */
  production: boolean
  /** `SESSION_SECRETS`, newest first. */
  secrets: string[]
  /** No `SESSION_SECRETS` in development: `secrets` holds one random secret for this process. */
  randomSecret: boolean
  /** `SESSION_FORMAT`. @default 'sealed' */
  format: FormatName
  /** `SESSION_COOKIE`. @default 'session' */
  cookieName: string
  /** `SESSION_MAX_AGE` in seconds. @default 1209600 */
  maxAge: number
  /**
   * `COOKIE_SECURE`: applies to the session cookie and to every cookie the apps set. @default
   * 'auto'
   */
  secure: boolean | 'auto'
  /** `PORT`, when set. */
  port: number | undefined
  /** `HOST`. @default '127.0.0.1' */
  host: string
  /** `SESSION_STORE`: `'memory'`, a `redis://` URL, or `undefined` for cookie sessions. */
  store: 'memory' | `redis://${string}` | `rediss://${string}` | undefined
}

/** A bad or missing environment variable; `variable` names it, and so does the message. */
export class SiteConfigError extends Error {
  readonly code = 'INVALID_CONFIG'
  readonly variable: string
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'SiteConfigError'
    this.variable = variable
  }
}

export const DEFAULT_MAX_AGE = 1_209_600
export const DEFAULT_HOST = '127.0.0.1'
/**
 * Most bytes (names and values) of one session's cookies: Node's 16 KB header limit leaves room for
 * the rest. Above the library's default (3 KB, what a default nginx lets through): the contract
 * wants 6 KB of data to fit, and the apps run without a proxy.
 */
export const SESSION_MAX_SIZE = 12_288
/** Cookies one session may span: four hold 12 KB. */
export const SESSION_MAX_CHUNKS = 4
/** With `SESSION_STORE`: most bytes of one session's stored JSON. */
export const STORE_SESSION_MAX_SIZE = 1 << 20

export interface LoadConfigOptions {
  /**
   * Where warnings go (a random development secret, a short Flask secret). @default console.warn
   */
  warn?: (message: string) => void
}

/** Unset, empty and blank count alike: `undefined`; otherwise the trimmed value. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function readSecrets(
  env: Env,
  production: boolean,
  warn: (message: string) => void,
): { secrets: string[]; random: boolean } {
  const secrets = (env['SESSION_SECRETS'] ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '')
  if (secrets.length > 0) {
    if (new Set(secrets).size !== secrets.length) {
      throw new SiteConfigError('SESSION_SECRETS', 'the same secret is listed twice')
    }
    return { secrets, random: false }
  }
  if (production) {
    throw new SiteConfigError(
      'SESSION_SECRETS',
      'not set, and NODE_ENV is production: set it to one or more secrets of at least 32 bytes, comma-separated, newest first (`openssl rand -base64 32`)',
    )
  }
  warn(
    'SESSION_SECRETS is not set: using a random secret for this process, so sessions end when it restarts. ' +
      'Set SESSION_SECRETS to one or more secrets of at least 32 bytes, comma-separated, newest first (`openssl rand -base64 32`).',
  )
  return { secrets: [randomBytes(32).toString('base64url')], random: true }
}

function checkSecretLengths(
  secrets: readonly string[],
  format: FormatName,
  warn: (message: string) => void,
): void {
  const encoder = new TextEncoder()
  secrets.forEach((secret, index) => {
    const bytes = encoder.encode(secret).length
    if (bytes >= MIN_SECRET_BYTES) return
    const which = secrets.length === 1 ? 'the secret' : `secret #${index + 1}`
    const problem = `${which} is ${bytes} bytes, under the ${MIN_SECRET_BYTES} bytes a secret needs (\`openssl rand -base64 32\`)`
    // Flask accepts any SECRET_KEY, so the flask format only warns (core's Flask codec warns too).
    if (format !== 'flask') throw new SiteConfigError('SESSION_SECRETS', problem)
    warn(
      `SESSION_SECRETS: ${problem}; the flask format accepts it as Flask does, but signed plain cookies are unavailable.`,
    )
  })
  if (format === 'flask') return
  // The library refuses secrets of obviously no entropy too; say which variable holds them.
  try {
    createKeyring(secrets)
  } catch (error) {
    if (isCookietinError(error)) throw new SiteConfigError('SESSION_SECRETS', error.message)
    throw error
  }
}

function readFormat(env: Env): FormatName {
  const value = read(env, 'SESSION_FORMAT') ?? 'sealed'
  if (value === 'sealed' || value === 'signed' || value === 'flask') return value
  throw new SiteConfigError(
    'SESSION_FORMAT',
    `${JSON.stringify(value)} is not one of sealed, signed, flask`,
  )
}

function readSecure(env: Env): boolean | 'auto' {
  const value = read(env, 'COOKIE_SECURE')?.toLowerCase() ?? 'auto'
  if (value === 'auto') return 'auto'
  if (value === 'true') return true
  if (value === 'false') return false
  throw new SiteConfigError(
    'COOKIE_SECURE',
    `${JSON.stringify(env['COOKIE_SECURE'])} is not one of auto, true, false`,
  )
}

function readCookieName(env: Env, secure: boolean | 'auto'): string {
  const name = read(env, 'SESSION_COOKIE') ?? 'session'
  if (!isValidCookieName(name)) {
    throw new SiteConfigError(
      'SESSION_COOKIE',
      `${JSON.stringify(name)} is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~)`,
    )
  }
  // Browsers drop a __Secure- or __Host- cookie without Secure, so such a name needs
  // COOKIE_SECURE=true.
  if (/^__(secure|host)-/i.test(name) && secure !== true) {
    throw new SiteConfigError(
      'SESSION_COOKIE',
      `${JSON.stringify(name)} has a __Secure-/__Host- prefix, which needs COOKIE_SECURE=true`,
    )
  }
  return name
}

function readMaxAge(env: Env): number {
  const value = read(env, 'SESSION_MAX_AGE')
  if (value === undefined) return DEFAULT_MAX_AGE
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new SiteConfigError(
      'SESSION_MAX_AGE',
      `${JSON.stringify(value)} is not a positive whole number of seconds`,
    )
  }
  return seconds
}

function readStore(env: Env, format: FormatName): SiteConfig['store'] {
  const value = read(env, 'SESSION_STORE')
  if (value === undefined) return undefined
  if (value !== 'memory' && !/^rediss?:\/\/[^\s]+$/.test(value)) {
    throw new SiteConfigError(
      'SESSION_STORE',
      `${JSON.stringify(value)} is not memory or a redis://host:port URL`,
    )
  }
  // Flask reads its session from its own cookie: it cannot follow an id into a store.
  if (format === 'flask') {
    throw new SiteConfigError('SESSION_STORE', 'cannot be used with SESSION_FORMAT=flask')
  }
  return value as SiteConfig['store']
}

function readPort(env: Env): number | undefined {
  const value = read(env, 'PORT')
  if (value === undefined) return undefined
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535))
    throw new SiteConfigError('PORT', `${JSON.stringify(value)} is not a port number (0-65535)`)
  return port
}

/**
 * Reads and checks the apps' environment (docs/contract.md): `SESSION_SECRETS`, `SESSION_FORMAT`,
 * `SESSION_COOKIE`, `SESSION_MAX_AGE`, `COOKIE_SECURE`, `SESSION_STORE`, `PORT`, `HOST` and
 * `NODE_ENV`. Throws `SiteConfigError` naming the variable for anything the apps cannot start with.
 */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): SiteConfig {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const production = env['NODE_ENV'] === 'production'
  const format = readFormat(env)
  const secure = readSecure(env)
  const cookieName = readCookieName(env, secure)
  const maxAge = readMaxAge(env)
  const port = readPort(env)
  const host = read(env, 'HOST') ?? DEFAULT_HOST
  const store = readStore(env, format)
  const { secrets, random } = readSecrets(env, production, warn)
  checkSecretLengths(secrets, format, warn)
  return {
    production,
    secrets,
    randomSecret: random,
    format,
    cookieName,
    maxAge,
    secure,
    port,
    host,
    store,
  }
}

/**
 * The session format option for a `SESSION_FORMAT` name. `flask` comes from
 * `@cookietin/core/flask`, loaded only when asked for; this is the one place that knows where it
 * lives and how it is made.
 */
export async function resolveFormat(
  name: FormatName,
): Promise<NonNullable<SessionOptions['format']>> {
  if (name !== 'flask') return name
  // A variable specifier keeps the typecheck independent of that entry point's presence.
  const specifier = '@cookietin/core/flask'
  let module: { flask?: unknown }
  try {
    module = (await import(specifier)) as { flask?: unknown }
  } catch (error) {
    throw new SiteConfigError(
      'SESSION_FORMAT',
      `flask: ${specifier} could not be loaded (${String(error)})`,
    )
  }
  if (typeof module.flask !== 'function') {
    throw new SiteConfigError('SESSION_FORMAT', `flask: ${specifier} exports no \`flask\` function`)
  }
  // `flask(options)` makes the format factory; the apps use Flask's defaults (salt, clock skew).
  const factory: unknown = (module.flask as () => unknown)()
  if (typeof factory !== 'function') {
    throw new SiteConfigError(
      'SESSION_FORMAT',
      `flask: \`flask()\` from ${specifier} did not return a format factory`,
    )
  }
  return factory as NonNullable<SessionOptions['format']>
}

/**
 * The core `SessionOptions` every app passes to its adapter: permanent sessions of
 * `SESSION_MAX_AGE`, not rolling, HttpOnly, SameSite=Lax, Path=/, at most 12 KB in 4 cookies; with
 * `SESSION_STORE`, the store (opened now), indexed by user, with at most 1 MiB of JSON per session.
 */
export async function sessionOptions(
  config: SiteConfig,
  options: LoadConfigOptions = {},
): Promise<SessionOptions> {
  const result: SessionOptions = {
    secrets: config.secrets,
    format: await resolveFormat(config.format),
    cookieName: config.cookieName,
    maxAge: config.maxAge,
    permanent: true,
    rolling: false,
    maxSize: SESSION_MAX_SIZE,
    maxChunks: SESSION_MAX_CHUNKS,
    cookie: { secure: config.secure, httpOnly: true, sameSite: 'Lax', path: '/' },
  }
  const store = await storeFor(config)
  if (store) {
    Object.assign(result, {
      store,
      userKey: USER_KEY,
      storeTimeout: STORE_TIMEOUT,
      maxSize: STORE_SESSION_MAX_SIZE,
    })
  }
  if (options.warn) result.warn = options.warn
  return result
}
