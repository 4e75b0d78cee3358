import { type CookieOptions, serializeCookie } from '../cookie/serialize.ts'
import type { CryptoBackend } from '../crypto/backend.ts'
import { createKeyring, type Keyring, type Secret } from '../crypto/keyring.ts'
import { ConfigError } from '../errors.ts'
import { sealedFormat, signedFormat } from '../formats/native.ts'
import type {
  FormatSetup,
  InvalidSessionReason,
  SessionFormat,
  SessionFormatFactory,
} from '../formats/types.ts'
import type { SessionStore, UserSessions } from '../store/types.ts'
import type { StandardSchemaV1 } from './standardSchema.ts'

export interface SessionCookieOptions
  extends Pick<
    CookieOptions,
    'domain' | 'path' | 'httpOnly' | 'sameSite' | 'partitioned' | 'priority'
  > {
  /**
   * `'auto'` sets Secure when the request came over HTTPS, as the adapter's framework reports it
   * (Express `req.secure` with `trust proxy`, Koa `ctx.secure` with `app.proxy`, Hono the request URL).
   * @default 'auto'
   */
  secure?: boolean | 'auto'
}

export interface InvalidSessionEvent {
  /** Why the cookie was ignored. */
  reason: InvalidSessionReason
  cookieName: string
}

export interface SessionOptions<T extends object = Record<string, unknown>> {
  /**
   * Secrets, newest first: the newest signs or seals, every one verifies. Each must be at least 32 bytes
   * (`openssl rand -base64 32`). Rotate by putting a new secret in front; drop the old one a lifetime later.
   * @example secrets: [process.env.SESSION_SECRET_NEW, process.env.SESSION_SECRET_OLD]
   */
  secrets: Secret | readonly Secret[]
  /**
   * `'sealed'` encrypts (AES-256-GCM): nobody can read or change the session. `'signed'` (HMAC-SHA256)
   * leaves it readable by the user but unchangeable, like Flask. Or a format factory, such as `flask`
   * from `@cookietin/core/flask`.
   * @default 'sealed'
   */
  format?: 'sealed' | 'signed' | SessionFormatFactory
  /** @default 'session' */
  cookieName?: string
  /**
   * Lifetime in seconds, authenticated inside the cookie so the server enforces it whatever the browser
   * keeps. Permanent sessions also send it as Max-Age (capped at 400 days).
   * @default 1209600 (14 days)
   */
  maxAge?: number
  /**
   * Whether new sessions outlive the browser (Max-Age). Each session can change it with `session.permanent`.
   * @default false (as in Flask)
   */
  permanent?: boolean
  /** Re-send the cookie on every response that read the session, renewing its lifetime. @default false */
  rolling?: boolean
  /** Attributes of the session cookie. @default { path: '/', httpOnly: true, sameSite: 'Lax', secure: 'auto' } */
  cookie?: SessionCookieOptions
  /**
   * Most cookies one session may span (`name.0`, `name.1`, ...) when it outgrows one 4096-byte cookie.
   * @default 4
   */
  maxChunks?: number
  /**
   * Most bytes (names and values) of all the session's cookies together. The whole `Cookie` request
   * header must pass every server in front: Node refuses headers over 16 KB in total, nginx's default
   * `large_client_header_buffers` a header line over 8 KB. 12 KB leaves Node room for other headers;
   * behind a default nginx set 6000 or raise nginx's buffers. With a `store`: most bytes of the
   * session's stored JSON (keys and values).
   * @default 12288, or 1048576 (1 MiB) with a `store`
   */
  maxSize?: number
  /**
   * Server-side sessions: the cookie carries only the session's id (sealed or signed like a cookie
   * session) and the data lives in this store, such as `MemoryStore` or `@cookietin/redis`. Commits
   * write only the keys the request changed. Reads and writes become asynchronous.
   * @example store: new MemoryStore()
   */
  store?: SessionStore
  /**
   * The data key that names the session's user (e.g. `'userId'`). With a store, sessions are indexed
   * by it so a user's sessions can be listed and revoked; with `revocations`, cookie sessions are
   * checked against the user's last revocation on load.
   */
  userKey?: string
  /**
   * Cookie sessions only: where per-user revocations ("log out everywhere") are kept, e.g. a Redis
   * store. A session with a `userKey` value created before its user's last revocation reads as new.
   * Needs `userKey`; each load of a session with a user asks it once.
   */
  revocations?: UserSessions
  /**
   * Milliseconds a store call may take before the request fails with `STORE_UNAVAILABLE`.
   * @default 5000
   */
  storeTimeout?: number
  /**
   * Deflate large native sessions. Off by default: compressing secrets alongside data an attacker
   * chooses can leak them through the cookie's length.
   * @default false
   */
  compress?: boolean
  /** Standard Schema validator (zod, valibot, arktype...): data that fails it reads as an empty session. */
  schema?: StandardSchemaV1<unknown, T>
  /** Called when a request's session cookie is ignored (tampered, expired, wrong key, schema). Never throws into the request. */
  onInvalid?: (event: InvalidSessionEvent) => void
  /** Where configuration warnings go. @default console.warn */
  warn?: (message: string) => void
  /** Crypto implementation; defaults to the one chosen by the export condition. */
  backend?: CryptoBackend
  /** Random source for nonces and session ids; override only for test vectors. */
  random?: (buffer: Uint8Array) => Uint8Array
  /** Clock in Unix milliseconds; override only in tests. @default Date.now */
  now?: () => number
}

/** Everything a session handler needs, validated and derived once when the middleware is created. */
export interface ResolvedSessionOptions<T extends object = Record<string, unknown>> {
  readonly cookieName: string
  readonly maxAge: number
  readonly maxSize: number
  /** The smaller of the option and what the format can read. */
  readonly maxChunks: number
  readonly permanent: boolean
  readonly rolling: boolean
  readonly cookie: Readonly<SessionCookieOptions & { path: string; secure: boolean | 'auto' }>
  readonly format: SessionFormat
  /** For signed jar cookies; absent only for a Flask secret too short to derive keys from. */
  readonly keyring: Keyring | undefined
  readonly schema: StandardSchemaV1<unknown, T> | undefined
  readonly onInvalid: ((event: InvalidSessionEvent) => void) | undefined
  /** Emits each distinct message once. */
  readonly warn: (message: string) => void
  readonly random: (buffer: Uint8Array) => Uint8Array
  /** Unix milliseconds. */
  readonly now: () => number
  /** Reads and writes return values, never promises: Express commits inside `writeHead`. */
  readonly synchronous: boolean
  readonly store: SessionStore | undefined
  readonly userKey: string | undefined
  readonly revocations: UserSessions | undefined
  /** Milliseconds. */
  readonly storeTimeout: number
}

const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60

function check(condition: boolean, option: string, expected: string): void {
  if (!condition)
    throw new ConfigError('INVALID_OPTION', `Option \`${option}\` must be ${expected}`)
}

const isPositiveInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0

/**
 * Validates the options and derives the keys now, at start-up, so a misconfiguration never waits
 * for a request. The result is frozen and shared by every request of the middleware.
 */
export function resolveSessionOptions<T extends object>(
  options: SessionOptions<T>,
): ResolvedSessionOptions<T> {
  check(typeof options === 'object' && options !== null, 'options', 'an object')
  const cookieName = options.cookieName ?? 'session'
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE
  const { store, revocations, userKey } = options
  const maxSize = options.maxSize ?? (store ? 1 << 20 : 12288)
  const storeTimeout = options.storeTimeout ?? 5000
  check(
    store === undefined ||
      (typeof store?.get === 'function' &&
        typeof store.write === 'function' &&
        typeof store.destroy === 'function'),
    'store',
    'a session store (get, write, destroy)',
  )
  check(
    revocations === undefined || typeof revocations?.revokedBefore === 'function',
    'revocations',
    'a store with revokedBefore (per-user revocations)',
  )
  check(
    userKey === undefined || (typeof userKey === 'string' && userKey !== ''),
    'userKey',
    'a non-empty string',
  )
  check(revocations === undefined || userKey !== undefined, 'userKey', 'set with `revocations`')
  check(store === undefined || revocations === undefined, 'revocations', 'unset with a `store`')
  check(isPositiveInteger(storeTimeout), 'storeTimeout', 'a positive whole number of milliseconds')
  check(isPositiveInteger(maxAge), 'maxAge', 'a positive whole number of seconds')
  check(isPositiveInteger(maxSize), 'maxSize', 'a positive whole number of bytes')
  check(
    options.maxChunks === undefined || isPositiveInteger(options.maxChunks),
    'maxChunks',
    'a positive integer',
  )
  check(
    options.schema === undefined || typeof options.schema?.['~standard']?.validate === 'function',
    'schema',
    'a Standard Schema validator',
  )
  const cookie = {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: 'auto' as const,
    ...options.cookie,
  }
  check(
    cookie.secure === 'auto' || typeof cookie.secure === 'boolean',
    'cookie.secure',
    "true, false or 'auto'",
  )
  // Browsers only accept prefixed cookies over HTTPS; 'auto' would fail on the first plain-HTTP request.
  check(
    !/^__(secure|host)-/i.test(cookieName) || cookie.secure === true,
    'cookie.secure',
    `true for a cookie named ${cookieName} (browsers accept __Secure-/__Host- cookies only with Secure)`,
  )
  // Serializing once now surfaces a bad name, domain, path or prefix at start-up.
  serializeCookie(cookieName, '', { ...cookie, secure: cookie.secure !== false })

  const warned = new Set<string>()
  const sink = options.warn ?? ((message: string) => console.warn(message))
  const warn = (message: string) => {
    if (warned.has(message)) return
    warned.add(message)
    sink(message)
  }
  const random = options.random ?? ((buffer: Uint8Array) => crypto.getRandomValues(buffer))
  const secrets: readonly Secret[] = Array.isArray(options.secrets)
    ? options.secrets
    : [options.secrets as Secret]
  const formatOption = options.format ?? 'sealed'
  let keyring: Keyring | undefined
  try {
    keyring = createKeyring(options.secrets, {
      random,
      ...(options.backend ? { backend: options.backend } : {}),
    })
  } catch (error) {
    // A Flask secret may be short (Flask allows it, the format warns); signed jar cookies then refuse.
    if (typeof formatOption !== 'function') throw error
  }
  const setup: FormatSetup = { secrets, maxAge, warn, random, ...(keyring ? { keyring } : {}) }
  if (options.backend) setup.backend = options.backend
  let format: SessionFormat
  if (formatOption === 'sealed') format = sealedFormat(setup, options.compress ?? false)
  else if (formatOption === 'signed') format = signedFormat(setup, options.compress ?? false)
  else if (typeof formatOption === 'function') format = formatOption(setup)
  else
    throw new ConfigError(
      'INVALID_OPTION',
      "Option `format` must be 'sealed', 'signed' or a format such as `flask`",
    )
  // Flask reads its session from its own cookie; an id pointing into a store means nothing to it.
  check(
    store === undefined || typeof formatOption !== 'function',
    'format',
    "'sealed' or 'signed' with a `store`",
  )

  return Object.freeze({
    cookieName,
    maxAge,
    maxSize,
    maxChunks: Math.min(options.maxChunks ?? 4, format.maxChunks ?? Number.POSITIVE_INFINITY),
    permanent: options.permanent ?? false,
    rolling: options.rolling === true,
    cookie: Object.freeze(cookie),
    format,
    keyring,
    schema: options.schema,
    onInvalid: options.onInvalid,
    warn,
    random,
    now: options.now ?? Date.now,
    synchronous: format.synchronous === true && !store && !revocations,
    store,
    userKey,
    revocations,
    storeTimeout,
  })
}
