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
import { checkSessionOptions } from './checkOptions.ts'
import type { LegacySessionReader } from './legacy.ts'
import type { SessionStore, UserSessions } from '../store/types.ts'
import type { StandardSchemaV1 } from './standardSchema.ts'

export interface SessionCookieOptions
  extends Pick<
    CookieOptions,
    'domain' | 'path' | 'httpOnly' | 'sameSite' | 'partitioned' | 'priority'
  > {
  /**
   * `'auto'` sets Secure when the request came over HTTPS, as the adapter's framework reports it
   * (Express `req.secure` with `trust proxy`, Koa `ctx.secure` with `app.proxy`, Hono the request
   * URL).
   * @default 'auto'
   */
  secure?: boolean | 'auto'
}

export interface InvalidSessionEvent {
  /** Why the cookie was ignored. */
  reason: InvalidSessionReason
  cookieName: string
  /** The session's cookie, or a plain cookie read with the jar's `getSigned`. */
  kind: 'session' | 'signed-cookie'
  /** The legacy reader's library when the cookie was another library's (`migrateFrom`). */
  migrateFrom?: string
}

export interface SessionOptions<T extends object = Record<string, unknown>> {
  /**
   * Secrets, newest first: the newest signs or seals, every one verifies. Each must be at least 32
   * bytes (`openssl rand -base64 32`). Rotate by putting a new secret in front; drop the old one a
   * lifetime later. Missing or `undefined` (an unset environment variable) is a `ConfigError`
   * `NO_SECRET` at start-up.
   * @example secrets: [process.env.SESSION_SECRET_NEW, process.env.SESSION_SECRET_OLD]
   */
  secrets: Secret | readonly Secret[]
  /**
   * `'sealed'` encrypts (AES-256-GCM): nobody can read or change the session. `'signed'`
   * (HMAC-SHA256) leaves it readable by the user but unchangeable, like Flask. Or a format factory,
   * such as `flask` from `@cookietin/core/flask`.
   * @default 'sealed'
   */
  format?: 'sealed' | 'signed' | SessionFormatFactory
  /** @default 'session' */
  cookieName?: string
  /**
   * Lifetime in seconds (not milliseconds), authenticated inside the cookie so the server enforces
   * it whatever the browser keeps. Permanent sessions also send it as Max-Age. At most 400 days
   * (34560000), the most browsers keep a cookie: more is a `ConfigError`.
   * @default 1209600 (14 days)
   */
  maxAge?: number
  /**
   * Whether new sessions outlive the browser (Max-Age). Each session can change it with
   * `session.permanent`.
   * @default false (as in Flask)
   */
  permanent?: boolean
  /**
   * Re-send the cookie on every response that read the session, renewing its lifetime. @default
   * false
   */
  rolling?: boolean
  /**
   * Attributes of the session cookie. Its lifetime is not one of them: that is `maxAge` (with
   * `permanent`), and `cookie.maxAge` or `cookie.expires` is a `ConfigError`.
   * @default { path: '/', httpOnly: true, sameSite: 'Lax', secure: 'auto' }
   */
  cookie?: SessionCookieOptions
  /**
   * Most cookies one session may span (`name.0`, `name.1`, ...) when it outgrows one 4096-byte
   * cookie. Two hold about 7.9 KB, as much as a default nginx or curl's jar lets through in one
   * request; the default `maxSize` fits in one. Raise it with `maxSize`, and the proxy's header
   * buffers.
   * @default 2
   */
  maxChunks?: number
  /**
   * Most bytes (names and values) of all the session's cookies together. The session must pass
   * every hop both ways: nginx's default `proxy_buffer_size` (4 KB) answers 502 when the app's
   * response headers, `Set-Cookie` lines included, outgrow 4096 bytes; its
   * `large_client_header_buffers 4 8k` refuses a `Cookie` line over 8182 bytes; curl's cookie jar
   * silently leaves out cookies past about 8100 bytes. 3 KB passes them all with room for the
   * response's other headers and the site's other cookies (docs/sessions.md, "Size and chunking").
   * Raise it only with those limits. With a `store`: most bytes of the session's stored JSON (keys
   * and values).
   * @default 3072, or 1048576 (1 MiB) with a `store`
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
   * The data key that names the session's user (e.g. `'userId'`). With a store, sessions are
   * indexed by it so a user's sessions can be listed and revoked; with `revocations`, cookie
   * sessions are checked against the user's last revocation on load.
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
  /**
   * Standard Schema validator (zod, valibot, arktype...): data that fails it reads as an empty
   * session.
   */
  schema?: StandardSchemaV1<unknown, T>
  /**
   * Readers of another library's session cookies, from `@cookietin/core/migrate`. A request without
   * a valid cookietin session whose legacy cookie verifies gets that session (through `schema`),
   * and its response deletes the legacy cookies and writes the cookietin one. Remove the option
   * once the old sessions have expired: until then an old cookie still logs its holder in.
   * @default undefined (no migration)
   * @example migrateFrom: cookieSession({ name: 'session', keys: [process.env.OLD_SESSION_KEY!] })
   */
  migrateFrom?: LegacySessionReader | readonly LegacySessionReader[]
  /**
   * Called when a request's session cookie, or a signed cookie read with the jar's `getSigned`, is
   * ignored (tampered, expired, wrong key, schema). Never throws into the request.
   */
  onInvalid?: (event: InvalidSessionEvent) => void
  /**
   * Where warnings go (each distinct one once): configuration, and in production (`NODE_ENV`) a
   * session cookie sent without Secure under `secure: 'auto'` (a proxy the framework does not
   * trust).
   * @default console.warn
   */
  warn?: (message: string) => void
  /** Crypto implementation; defaults to the one chosen by the export condition. */
  backend?: CryptoBackend
  /** Random source for nonces and session ids; override only for test vectors. */
  random?: (buffer: Uint8Array) => Uint8Array
  /** Clock in Unix milliseconds; override only in tests. @default Date.now */
  now?: () => number
}

/**
 * Everything a session handler needs, validated and derived once when the middleware is created.
 */
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
  /** Tried in order when a request has no valid cookietin session; `undefined` when none. */
  readonly migrateFrom: readonly LegacySessionReader[] | undefined
  readonly onInvalid: ((event: InvalidSessionEvent) => void) | undefined
  /** Emits each distinct message once. */
  readonly warn: (message: string) => void
  readonly random: (buffer: Uint8Array) => Uint8Array
  /** Unix milliseconds. */
  readonly now: () => number
  /** Reads and writes return values, never promises: Express commits inside `writeHead`. */
  readonly synchronous: boolean
  /** `NODE_ENV` was `production` when the options were resolved. */
  readonly production: boolean
  readonly store: SessionStore | undefined
  readonly userKey: string | undefined
  readonly revocations: UserSessions | undefined
  /** Milliseconds. */
  readonly storeTimeout: number
}

const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60

/**
 * `NODE_ENV`, where the runtime has one and lets us read it: feature-detected, so core needs no
 * Node (workers have no `process`; Deno may refuse the read without a permission).
 */
function nodeEnv(): string | undefined {
  try {
    const host = globalThis as unknown as Record<
      string,
      { env?: Record<string, unknown> } | undefined
    >
    const value = host['process']?.env?.['NODE_ENV']
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

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
  checkSessionOptions(options as unknown as Record<string, unknown>)
  const cookieName = options.cookieName ?? 'session'
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE
  const { store, revocations, userKey } = options
  const maxSize = options.maxSize ?? (store ? 1 << 20 : 3072)
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
  const migrateFrom = options.migrateFrom === undefined ? [] : [options.migrateFrom].flat()
  check(
    migrateFrom.every((reader: Partial<LegacySessionReader>) => typeof reader?.read === 'function'),
    'migrateFrom',
    'a reader from `@cookietin/core/migrate` or an array of them',
  )
  // A legacy reader yields a cookie session; moving it into a store is not built.
  check(
    store === undefined || migrateFrom.length === 0,
    'migrateFrom',
    'unset with a `store` (legacy sessions migrate into cookie sessions only)',
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
  // Browsers only accept prefixed cookies over HTTPS; 'auto' would fail on the first plain-HTTP
  // request.
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
    // A Flask secret may be short (Flask allows it, the format warns); signed jar cookies then
    // refuse.
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
    maxChunks: Math.min(options.maxChunks ?? 2, format.maxChunks ?? Number.POSITIVE_INFINITY),
    permanent: options.permanent ?? false,
    rolling: options.rolling === true,
    cookie: Object.freeze(cookie),
    format,
    keyring,
    schema: options.schema,
    migrateFrom: migrateFrom.length > 0 ? Object.freeze(migrateFrom) : undefined,
    onInvalid: options.onInvalid,
    warn,
    random,
    now: options.now ?? Date.now,
    synchronous: format.synchronous === true && !store && !revocations,
    production: nodeEnv() === 'production',
    store,
    userKey,
    revocations,
    storeTimeout,
  })
}
