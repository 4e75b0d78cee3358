import { backend as defaultBackend } from '#crypto-backend'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { hasObviouslyNoEntropy } from '../../crypto/secretStrength.ts'
import { ConfigError } from '../../errors.ts'
import { type MaybePromise, chain, toPromise } from '../../maybePromise.ts'
import { createTimestampSigner, decodePayload, encodePayload } from './itsdangerous.ts'
import { decodeTaggedJson, encodeTaggedJson, isPlainObject } from './taggedJson.ts'

/** Flask's `PERMANENT_SESSION_LIFETIME` default: 31 days, in seconds. */
export const FLASK_DEFAULT_MAX_AGE = 2_678_400
/** Flask's `SecureCookieSessionInterface.salt`. */
const FLASK_SESSION_SALT = 'cookie-session'
/**
 * How far in the future a signed timestamp may lie before it is refused (clock skew between
 * servers).
 */
const FLASK_DEFAULT_CLOCK_SKEW = 60
/**
 * Largest JSON text a cookie may inflate to; a 4 KB cookie of zlib can otherwise inflate to 4 MB.
 */
const FLASK_MAX_PAYLOAD_BYTES = 1 << 20
/** A longer cookie is refused unread: browsers keep at most 4096 bytes per cookie. */
const MAX_COOKIE_LENGTH = 16_384
/** Shorter secrets are accepted, as Flask accepts them, with a warning. */
const RECOMMENDED_SECRET_BYTES = 32

export interface FlaskCodecOptions {
  /**
   * Flask's `SECRET_KEY` and then its `SECRET_KEY_FALLBACKS`: the first signs, every one verifies.
   * Any non-empty string works, as in Flask; under 32 bytes triggers a warning.
   * @example { secrets: [process.env.SECRET_KEY, process.env.OLD_SECRET_KEY] }
   */
  secrets: readonly string[]
  /**
   * Flask's `PERMANENT_SESSION_LIFETIME` in seconds. Flask refuses any older cookie, permanent
   * session or not, and so does this codec.
   * @default 2678400 (31 days)
   */
  maxAge?: number | undefined
  /** Crypto implementation; defaults to the one the `node`/`default` export condition picks. */
  backend?: CryptoBackend | undefined
  /**
   * itsdangerous salt; change it only if the Flask app overrides
   * `SecureCookieSessionInterface.salt`.
   * @default 'cookie-session'
   */
  salt?: string | undefined
  /**
   * Seconds a cookie's timestamp may lie in the future. itsdangerous refuses any future timestamp
   * (`SignatureExpired: Signature age -1 < 0 seconds`); a little slack keeps servers whose clocks
   * disagree by a few seconds from dropping each other's sessions.
   * @default 60
   */
  clockSkew?: number | undefined
  /**
   * Receives the one warning about secrets shorter than 32 bytes (never the secret itself).
   * @default console.warn
   */
  warn?: ((message: string) => void) | undefined
}

export type FlaskLoadFailure = 'malformed' | 'bad_signature' | 'expired' | 'future' | 'too_large'

export type FlaskLoadResult =
  | {
      ok: true
      /**
       * The session dict: a null-prototype object with tagged values decoded (see `FlaskTuple` and
       * co).
       */
      value: Record<string, unknown>
      /**
       * Index in `secrets` of the secret that verified; anything but 0 means: re-issue the cookie.
       */
      keyIndex: number
      /** When the cookie was signed, Unix seconds. */
      timestamp: number
    }
  | { ok: false; reason: FlaskLoadFailure }

export interface FlaskCodec {
  /**
   * Flask's `session_interface.get_signing_serializer(app).dumps(dict(session))`, signed with
   * `secrets[0]` at `now`. Throws `TypeError`/`RangeError` for data Flask could not store.
   * @param now Unix seconds; defaults to the current time.
   */
  dumps(value: Record<string, unknown>, now?: number): Promise<string>
  /**
   * Flask's `open_session`: verifies, checks the age and decodes. Never throws for any `cookie`;
   * throws `ConfigError` only for an invalid `now`.
   * @param now Unix seconds; defaults to the current time.
   */
  loads(cookie: string, now?: number): Promise<FlaskLoadResult>
}

function resolveNow(now: number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000)
  if (
    typeof now !== 'number' ||
    !Number.isFinite(now) ||
    now < 0 ||
    now > Number.MAX_SAFE_INTEGER
  ) {
    throw new ConfigError(
      'INVALID_OPTION',
      `now must be a Unix time in seconds; got ${String(now)}`,
    )
  }
  return Math.floor(now)
}

function checkSeconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(
      'INVALID_OPTION',
      `${name} must be a non-negative number of seconds; got ${String(value)}`,
    )
  }
  return value
}

function checkSecrets(secrets: readonly string[], warn: (message: string) => void): void {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigError(
      'NO_SECRET',
      "No secret given: pass the Flask app's SECRET_KEY in `secrets`",
    )
  }
  const seen = new Set<string>()
  const short: string[] = []
  const weak: string[] = []
  secrets.forEach((secret: unknown, index) => {
    if (typeof secret !== 'string')
      throw new ConfigError('INVALID_OPTION', `Secret #${index} must be a string`)
    if (secret.length === 0) throw new ConfigError('NO_SECRET', `Secret #${index} is empty`)
    if (seen.has(secret))
      throw new ConfigError('DUPLICATE_SECRET', `Secret #${index} repeats an earlier secret`)
    seen.add(secret)
    const bytes = new TextEncoder().encode(secret)
    if (bytes.length < RECOMMENDED_SECRET_BYTES) short.push(`#${index} (${bytes.length} bytes)`)
    else if (hasObviouslyNoEntropy(bytes)) weak.push(`#${index}`)
  })
  if (weak.length > 0) {
    warn(
      `cookietin: Flask session secret ${weak.join(', ')} is made of very few distinct characters ` +
        '(a repeated character or pattern). Flask accepts it, but it can be guessed; ' +
        'generate one with `python -c "import secrets; print(secrets.token_hex(32))"`.',
    )
  }
  if (short.length > 0) {
    warn(
      `cookietin: Flask session secret ${short.join(', ')} is shorter than ${RECOMMENDED_SECRET_BYTES} bytes. ` +
        'Flask accepts it, but a short SECRET_KEY can be guessed offline from any session cookie; ' +
        'generate one with `python -c "import secrets; print(secrets.token_hex(32))"`.',
    )
  }
}

/**
 * Reads and writes Flask's session cookie byte for byte as Flask does (itsdangerous
 * `URLSafeTimedSerializer`, salt `cookie-session`, HMAC-SHA1 with `hmac` key derivation, Flask's
 * tagged JSON), so a Node app and a Flask app can share sessions.
 * Throws `ConfigError` for an empty or invalid `secrets` list or invalid options.
 * @example
 * const codec = createFlaskCodec({ secrets: [process.env.SECRET_KEY!] })
 * const result = await codec.loads(cookies.session ?? '')
 * const session = result.ok ? result.value : {}
 */
export function createFlaskCodec(options: FlaskCodecOptions): FlaskCodec {
  const codec = createFlaskCodecMaybe(options)
  return {
    dumps: (value, now) => toPromise(() => codec.dumps(value, now)),
    loads: (cookie, now) => toPromise(() => codec.loads(cookie, now)),
  }
}

/**
 * What the session format uses: `createFlaskCodec` with results that are values on a synchronous
 * back-end.
 */
export interface FlaskCodecMaybe {
  readonly backend: CryptoBackend
  /** The signed cookie for a payload JSON from `encodeTaggedJson`. */
  dumpsJson(json: string, now?: number): MaybePromise<string>
  dumps(value: Record<string, unknown>, now?: number): MaybePromise<string>
  loads(cookie: string, now?: number): MaybePromise<FlaskLoadResult>
}

export function createFlaskCodecMaybe(options: FlaskCodecOptions): FlaskCodecMaybe {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  checkSecrets(options.secrets, warn)
  const secrets = [...options.secrets]
  const maxAge = checkSeconds('maxAge', options.maxAge, FLASK_DEFAULT_MAX_AGE)
  const clockSkew = checkSeconds('clockSkew', options.clockSkew, FLASK_DEFAULT_CLOCK_SKEW)
  const salt = options.salt ?? FLASK_SESSION_SALT
  if (typeof salt !== 'string') throw new ConfigError('INVALID_OPTION', 'salt must be a string')
  const backend = options.backend ?? defaultBackend
  const signer = createTimestampSigner({ secrets, salt, backend })

  const dumpsJson = (json: string, now?: number) => {
    const timestamp = resolveNow(now)
    return chain(encodePayload(json, backend), (payload) => signer.sign(payload, timestamp))
  }

  const open = (cookie: string, current: number): MaybePromise<FlaskLoadResult> =>
    chain(signer.unsign(cookie), (signed): MaybePromise<FlaskLoadResult> => {
      if (!signed.ok) return signed
      const age = current - signed.timestamp
      if (age > maxAge) return { ok: false, reason: 'expired' }
      if (age < -clockSkew) return { ok: false, reason: 'future' }
      return chain(
        decodePayload(signed.value, backend, FLASK_MAX_PAYLOAD_BYTES),
        (payload): FlaskLoadResult => {
          if (!payload.ok) return payload
          const decoded = decodeTaggedJson(payload.json)
          // Flask builds the session with dict(data): the top level must be a dict.
          if (!decoded.ok || !isDict(decoded.value)) return { ok: false, reason: 'malformed' }
          return {
            ok: true,
            value: decoded.value,
            keyIndex: signed.keyIndex,
            timestamp: signed.timestamp,
          }
        },
      )
    })

  return {
    backend,
    dumpsJson,
    dumps(value, now) {
      resolveNow(now)
      if (typeof value !== 'object' || value === null || !isPlainObject(value)) {
        throw new TypeError('A Flask session must be a plain object')
      }
      return dumpsJson(encodeTaggedJson(value), now)
    },
    loads(cookie, now) {
      const current = resolveNow(now)
      if (typeof cookie !== 'string' || cookie.length === 0)
        return { ok: false, reason: 'malformed' }
      if (cookie.length > MAX_COOKIE_LENGTH) return { ok: false, reason: 'too_large' }
      try {
        const result = open(cookie, current)
        // Unreachable for any input as far as we know; the contract is still "never throws".
        return result instanceof Promise
          ? result.catch(() => ({ ok: false, reason: 'malformed' }) as const)
          : result
      } catch {
        return { ok: false, reason: 'malformed' }
      }
    },
  }
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null
}
