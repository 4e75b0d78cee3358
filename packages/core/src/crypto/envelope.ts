import { ConfigError, CookieError } from '../errors.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'
import type { CryptoBackend } from './backend.ts'

/**
 * The authenticated inner layout shared by signed and sealed tokens (docs/format.md):
 *   flags (u8) | issued-at (u32 BE, Unix seconds) | expires-at (u32 BE, 0 = no expiry) | data
 * flags bit 0: data is deflate-raw compressed.
 */
const HEADER_BYTES = 9
const FLAG_DEFLATE = 1
/** A token's data never inflates past this: a small cookie must not become a large allocation. */
export const MAX_DATA_BYTES = 1 << 20
/**
 * Clocks of two servers sharing keys differ; a token issued this far in the future is still
 * accepted.
 */
export const CLOCK_SKEW_SECONDS = 60
/** Times are unsigned 32-bit seconds: the format runs out in February 2106. */
const MAX_TIME = 0xffffffff

export interface SealOptions {
  /**
   * Seconds the value stays valid, authenticated inside the token; omit for no expiry.
   * Zero or less makes a token that is already expired; a value that is not a finite number throws
   * `ConfigError` `INVALID_OPTION`.
   * @default undefined (never expires)
   * @example { maxAge: 60 * 60 * 24 * 14 }
   */
  maxAge?: number
  /**
   * Unix time in seconds (not milliseconds) used as issued-at; injectable for tests and vectors.
   * @default Math.floor(Date.now() / 1000)
   */
  now?: number
  /**
   * Deflate the data when it is over 64 bytes and that makes it shorter. Off by default:
   * compressing secrets next to attacker-chosen data leaks them through length (CRIME/BREACH).
   * @default false
   */
  compress?: boolean
}

export interface VerifyOptions {
  /**
   * Unix time in seconds at which expiry and issued-at are checked; injectable for tests.
   * @default Math.floor(Date.now() / 1000)
   */
  now?: number
}

export type InvalidReason =
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_kind'

export type OpenResult =
  | {
      ok: true
      value: string
      issuedAt: number
      /** 0 when the token has no expiry. */
      expiresAt: number
      /** True when a key other than the newest verified it: re-issue it. */
      stale: boolean
    }
  | { ok: false; reason: InvalidReason }

const encoder = new TextEncoder()
// fatal: invalid UTF-8 is malformed, never U+FFFD. ignoreBOM: a value that starts with U+FEFF keeps
// it.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const nowSeconds = () => Math.floor(Date.now() / 1000)

/**
 * The clock to use: `now` when given, else the system clock. A `now` that is not a Unix time in
 * seconds (NaN, milliseconds, negative) is a programming mistake and throws: silently wrapping it
 * into 32 bits, or comparing against NaN, would mint or accept tokens that never expire.
 */
export function resolveNow(now: number | undefined): number {
  if (now === undefined) return nowSeconds()
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0 || now > MAX_TIME) {
    throw new ConfigError(
      'INVALID_OPTION',
      `now must be a Unix time in seconds between 0 and ${MAX_TIME}; got ${String(now)}`,
    )
  }
  return Math.floor(now)
}

// With the `u` flag a surrogate pair is one code point outside the class: only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

/**
 * A value to sign or seal must have a UTF-8 form: a lone surrogate has none, and encoding would
 * silently turn it into U+FFFD, so the reader would get another string than the one written.
 * Throws `CookieError` `INVALID_COOKIE_VALUE`, as `serializeCookie` does for the same value.
 */
export function checkValue(name: string, value: string): void {
  if (typeof value !== 'string') {
    throw new CookieError(
      'INVALID_COOKIE_VALUE',
      `The value to sign or seal for "${name}" must be a string; got ${typeof value}`,
    )
  }
  const match = LONE_SURROGATE.exec(value)
  if (match) {
    const unit = value.charCodeAt(match.index).toString(16).toUpperCase()
    throw new CookieError(
      'INVALID_COOKIE_VALUE',
      `The value to sign or seal for "${name}" has a lone surrogate U+${unit} at position ${match.index}, which has no UTF-8 encoding`,
    )
  }
}

export function expiryFor(now: number, maxAge: number | undefined): number {
  if (maxAge === undefined) return 0
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge)) {
    throw new ConfigError(
      'INVALID_OPTION',
      `maxAge must be a finite number of seconds (omit it for a value that never expires); got ${String(maxAge)}`,
    )
  }
  // 0 means "no expiry" on the wire, so an expiring token never carries it; past 2106 it saturates.
  return Math.min(MAX_TIME, Math.max(1, now + Math.max(0, Math.floor(maxAge))))
}

export function packEnvelope(
  value: string,
  options: SealOptions,
  backend: CryptoBackend,
): MaybePromise<Uint8Array> {
  const now = resolveNow(options.now)
  const expiresAt = expiryFor(now, options.maxAge)
  const data = encoder.encode(value)
  const pack = (body: Uint8Array, flags: number) => {
    const out = new Uint8Array(HEADER_BYTES + body.length)
    out.set(envelopeHeader(now, expiresAt), 0)
    out[0] = flags
    out.set(body, HEADER_BYTES)
    return out
  }
  if (!options.compress || data.length <= 64) return pack(data, 0)
  return chain(backend.compress(data, 'deflate-raw'), (deflated) =>
    deflated.length < data.length ? pack(deflated, FLAG_DEFLATE) : pack(data, 0),
  )
}

/** Reads an envelope that has already been authenticated; `now` comes from `resolveNow`. */
export function unpackEnvelope(
  envelope: Uint8Array,
  stale: boolean,
  now: number,
  backend: CryptoBackend,
): MaybePromise<OpenResult> {
  if (envelope.length < HEADER_BYTES) return { ok: false, reason: 'malformed' }
  const flags = envelope[0] as number
  const issuedAt = readUint32(envelope, 1)
  const expiresAt = readUint32(envelope, 5)
  if (flags & ~FLAG_DEFLATE) return { ok: false, reason: 'malformed' }
  if (issuedAt > now + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'not_yet_valid' }
  if (expiresAt !== 0 && now >= expiresAt) return { ok: false, reason: 'expired' }
  const opened = (data: Uint8Array | null): OpenResult => {
    if (data === null) return { ok: false, reason: 'malformed' }
    try {
      return { ok: true, value: decoder.decode(data), issuedAt, expiresAt, stale }
    } catch {
      return { ok: false, reason: 'malformed' }
    }
  }
  const data = envelope.subarray(HEADER_BYTES)
  if (!(flags & FLAG_DEFLATE)) return opened(data)
  // Over the limit is `malformed` too: the format has one reason for every bad envelope.
  return chain(backend.decompress(data, 'deflate-raw', MAX_DATA_BYTES), (inflated) =>
    opened(inflated instanceof Uint8Array ? inflated : null),
  )
}

const readUint32 = (bytes: Uint8Array, at: number) =>
  (bytes[at] as number) * 0x1000000 +
  (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))

/** The 9-byte header of an uncompressed envelope: flags 0, issued-at, expires-at (big-endian). */
export function envelopeHeader(issuedAt: number, expiresAt: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES)
  out[1] = issuedAt >>> 24
  out[2] = issuedAt >>> 16
  out[3] = issuedAt >>> 8
  out[4] = issuedAt
  out[5] = expiresAt >>> 24
  out[6] = expiresAt >>> 16
  out[7] = expiresAt >>> 8
  out[8] = expiresAt
  return out
}

/** A token is never longer: checked before anything else, so no decoding work scales past it. */
const MAX_TOKEN_LENGTH = 1 << 21
/** Key ids are base64url of 6 bytes. */
export const KEY_ID_LENGTH = 8
export const DOT = 0x2e

/**
 * docs/format.md §7 step 1, the same for both kinds: over-long is `malformed` whatever its prefix,
 * then the other kind's prefix is `wrong_kind` and any other prefix `malformed`.
 */
export function tokenKind(token: unknown, prefix: 's1.' | 'e1.'): 'ok' | InvalidReason {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return 'malformed'
  if (token.startsWith(prefix)) return 'ok'
  return token.startsWith(prefix === 's1.' ? 'e1.' : 's1.') ? 'wrong_kind' : 'malformed'
}

/** `bindName` as a string, for back-ends that take text. */
export const bindNameText = (name: string, tokenPrefix: string): string => `${name}\0${tokenPrefix}`

/**
 * `name` NUL `token-prefix`: binds the cookie name so a value cannot be moved to another cookie.
 */
export function bindName(name: string, tokenPrefix: string): Uint8Array {
  return encoder.encode(`${name}\0${tokenPrefix}`)
}
