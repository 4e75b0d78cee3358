/**
 * Writing `Set-Cookie` header values (RFC 6265bis §4.1). Everything a browser would silently
 * ignore or alter (a bad name, an attribute it drops, a cookie too large to store) is refused
 * with a `CookieError` naming the bad part instead, because a cookie that never arrives is far
 * harder to debug than an exception at the line that set it.
 */

import { CookieError } from '../errors.ts'
import {
  describeChar,
  domainProblem,
  invalidTokenIndex,
  isSafeValue,
  isSafeValueChar,
  pathProblem,
} from './validate.ts'

/**
 * RFC 6265bis §5.6: a browser ignores a cookie whose name and value together exceed 4096 octets.
 */
export const MAX_COOKIE_SIZE = 4096

/** RFC 6265bis §5.5: a browser caps a cookie's lifetime at 400 days (in seconds: 34560000). */
export const MAX_AGE_CAP_SECONDS = 34560000

/**
 * The SameSite attribute (RFC 6265bis §4.1.2.7), in any case; `true` means `Strict` and `false`
 * leaves the attribute out.
 */
export type SameSite = 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none' | true | false

/** The Priority attribute (a Chrome extension, not in RFC 6265bis), in any case. */
export type Priority = 'Low' | 'Medium' | 'High' | 'low' | 'medium' | 'high'

/**
 * Attributes of a `Set-Cookie` header. Every one is validated; a bad one throws a `CookieError`.
 */
export interface CookieOptions {
  /**
   * Seconds until the cookie expires: a non-negative integer; `0` expires it now.
   * Values over 400 days are written as 400 days (34560000), as browsers would cap them anyway
   * (RFC 6265bis §5.5, §5.6.2). Negative, fractional or non-numbers throw `INVALID_MAX_AGE`.
   * @default undefined (no Max-Age: a session cookie, unless `expires` is set)
   * @example { maxAge: 60 * 60 * 24 * 14 } // two weeks
   */
  maxAge?: number
  /**
   * Absolute expiry, written as an IMF-fixdate (`Date#toUTCString`, RFC 6265bis §4.1.1
   * `sane-cookie-date`). Capped at now + 400 days (RFC 6265bis §5.5). An invalid Date, or one
   * before 1601 which browsers cannot parse (RFC 6265bis §5.1.1), throws `INVALID_EXPIRES`.
   * When both are given, browsers obey `maxAge` (RFC 6265bis §4.1.2.2).
   * @default undefined (no Expires)
   */
  expires?: Date
  /**
   * The Domain attribute: the cookie is also sent to subdomains of this host
   * (RFC 6265bis §4.1.2.3). Must be a hostname (RFC 1034 §3.5 labels, RFC 1123 §2.1), one leading
   * '.' allowed, no port, path or spaces; anything else (the empty string too) throws
   * `INVALID_DOMAIN`. Forbidden on `__Host-` cookies.
   * @default undefined (host-only cookie)
   * @example { domain: 'example.com' }
   */
  domain?: string
  /**
   * The Path attribute (RFC 6265bis §4.1.2.4): must start with '/' and hold only printable ASCII
   * without ';' (`av-octet`), at most 1024 characters (§5.6); else `INVALID_PATH`. `__Host-`
   * cookies allow only '/'.
   * @default undefined (the browser uses the directory of the request's path, RFC 6265bis §5.1.4)
   * @example { path: '/' }
   */
  path?: string
  /**
   * Send the cookie only over HTTPS (RFC 6265bis §4.1.2.5). Forced on by `sameSite: 'None'`,
   * `partitioned` and the `__Secure-`/`__Host-` name prefixes.
   * @default false
   */
  secure?: boolean
  /**
   * Hide the cookie from JavaScript's `document.cookie` (RFC 6265bis §4.1.2.6).
   * @default false
   */
  httpOnly?: boolean
  /**
   * Whether cross-site requests carry the cookie (RFC 6265bis §4.1.2.7). Any case is accepted;
   * `true` is `Strict`, `false` leaves the attribute out. `None` forces `Secure`, since browsers
   * reject `SameSite=None` without it. Other values throw `INVALID_SAME_SITE`.
   * @default undefined (no attribute; Chrome then treats the cookie as Lax, other browsers as None)
   * @example { sameSite: 'Lax' }
   */
  sameSite?: SameSite
  /**
   * Store the cookie partitioned by top-level site (CHIPS,
   * draft-cutler-httpstate-partitioned-cookies). Forces `Secure`, which CHIPS requires.
   * @default false
   */
  partitioned?: boolean
  /**
   * Chrome's eviction priority (draft-west-cookie-priority). Any case is accepted; other values
   * throw `INVALID_PRIORITY`.
   * @default undefined (browsers use Medium)
   */
  priority?: Priority
}

type DeletionOptions = Pick<
  CookieOptions,
  'domain' | 'path' | 'secure' | 'sameSite' | 'partitioned' | 'httpOnly'
>

type Attributes = { readonly [K in keyof CookieOptions]?: CookieOptions[K] | undefined }

const NO_OPTIONS: Attributes = Object.freeze({})
const EPOCH = new Date(0)

/**
 * Serializes one cookie into a `Set-Cookie` header value.
 *
 * - `name` must be an RFC 9110 token (RFC 6265bis §4.1.1), else `INVALID_COOKIE_NAME`.
 * - `value` may be any string: every character that is not a cookie-octet (RFC 6265 §4.1.1), and
 *   '%' itself, is percent-encoded as UTF-8, so {@link parseCookies} gives back exactly `value`.
 *   A lone surrogate has no UTF-8 form and throws `INVALID_COOKIE_VALUE`.
 * - Name and encoded value over {@link MAX_COOKIE_SIZE} characters throw `COOKIE_TOO_LARGE`.
 * - Names starting with `__Secure-` or `__Host-` (in any case, as browsers match them) get the
 *   attributes their prefix requires (RFC 6265bis §4.1.3): `Secure` is added, and `Path=/` for
 *   `__Host-`. Options that contradict the prefix (`secure: false`, a `domain` or a path other
 *   than '/' on `__Host-`) throw `INVALID_PREFIX`, because the browser would drop the cookie.
 *
 * Attributes are written in jshttp/cookie's order: Max-Age, Domain, Path, Expires, HttpOnly,
 * Secure, Partitioned, Priority, SameSite.
 *
 * @example serializeCookie('lang', 'en-US', { path: '/', maxAge: 3600, sameSite: 'Lax' })
 * // 'lang=en-US; Max-Age=3600; Path=/; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, options?: CookieOptions): string {
  assertName(name)
  if (typeof value !== 'string') {
    throw new CookieError(
      'INVALID_COOKIE_VALUE',
      `Cookie value for "${name}" must be a string, got ${typeof value}`,
    )
  }
  const encoded = encodeCookieValue(name, value)
  if (name.length + encoded.length > MAX_COOKIE_SIZE) {
    throw new CookieError(
      'COOKIE_TOO_LARGE',
      `Cookie "${name}" is ${name.length + encoded.length} bytes (name plus encoded value), over the ${MAX_COOKIE_SIZE}-byte limit browsers enforce (RFC 6265bis §5.6)`,
    )
  }
  return name + '=' + encoded + serializeAttributes(name, options ?? NO_OPTIONS)
}

/**
 * Serializes a `Set-Cookie` header value that deletes the cookie `name`: an empty value,
 * `Max-Age=0` and an `Expires` in 1970 (for clients that predate Max-Age).
 *
 * A browser replaces (and so deletes) only the cookie with the same name, domain and path (RFC
 * 6265bis §5.7, the storage model), so pass the `domain` and `path` the cookie was set with. There
 * is no default path: without one the browser uses the request's directory, which is rarely what
 * was set; callers usually pass `{ path: '/' }`. Prefix rules apply as in {@link serializeCookie}
 * (so a `__Host-` cookie is deleted with `Path=/; Secure`).
 *
 * @example serializeCookieDeletion('lang', { path: '/' })
 * // 'lang=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
 */
export function serializeCookieDeletion(name: string, options?: DeletionOptions): string {
  assertName(name)
  const o = options ?? NO_OPTIONS
  // Only the attributes that identify the cookie or that browsers require are copied: lifetime
  // and priority options a caller passes anyway must not override the deletion.
  return (
    name +
    '=' +
    serializeAttributes(name, {
      maxAge: 0,
      expires: EPOCH,
      domain: o.domain,
      path: o.path,
      secure: o.secure,
      httpOnly: o.httpOnly,
      sameSite: o.sameSite,
      partitioned: o.partitioned,
    })
  )
}

/** An option's value for an error message; never throws, whatever a JavaScript caller passed. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value)
  return String(value)
}

function assertName(name: string): void {
  if (typeof name !== 'string') {
    throw new CookieError('INVALID_COOKIE_NAME', `Cookie name must be a string, got ${typeof name}`)
  }
  if (name.length === 0) {
    throw new CookieError('INVALID_COOKIE_NAME', 'Cookie name must not be empty')
  }
  const bad = invalidTokenIndex(name)
  if (bad !== -1) {
    throw new CookieError(
      'INVALID_COOKIE_NAME',
      `Cookie name ${JSON.stringify(name)} has the invalid character ${describeChar(name, bad)} at position ${bad}; names are RFC 9110 tokens: letters, digits and !#$%&'*+-.^_\`|~ (RFC 6265bis §4.1.1)`,
    )
  }
}

/** `%XX` for every ASCII character, upper-case hex as `encodeURIComponent` writes it. */
const ASCII_ESCAPES = Array.from(
  { length: 128 },
  (_, code) => `%${code.toString(16).toUpperCase().padStart(2, '0')}`,
)

/**
 * `value` with every character but the cookie-octets other than '%' percent-encoded as UTF-8
 * (what `encodeURIComponent` produces for them), and cookie-octets left as they are, so values
 * such as JSON stay short. Values that need no escape, such as base64url session tokens, are
 * returned unchanged.
 */
function encodeCookieValue(name: string, value: string): string {
  if (isSafeValue(value)) return value
  let out = ''
  let pending = 0 // start of the characters copied as they are
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0x80) {
      if (isSafeValueChar(code)) continue
      out += value.slice(pending, i) + ASCII_ESCAPES[code]!
      pending = i + 1
    } else {
      // A run of non-ASCII goes to the engine's UTF-8 encoder in one call.
      let end = i + 1
      while (end < value.length && value.charCodeAt(end) >= 0x80) end++
      out += value.slice(pending, i) + encodeNonAscii(name, value, i, end)
      pending = end
      i = end - 1
    }
  }
  return out + value.slice(pending)
}

function encodeNonAscii(name: string, value: string, start: number, end: number): string {
  try {
    return encodeURIComponent(value.slice(start, end))
  } catch {
    // URIError: a lone surrogate, which has no UTF-8 encoding. Find it to name it.
    let i = start
    while (i < end) {
      const code = value.charCodeAt(i)
      const next = value.charCodeAt(i + 1)
      if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i += 2
      else if (code >= 0xd800 && code <= 0xdfff) break
      else i++
    }
    throw new CookieError(
      'INVALID_COOKIE_VALUE',
      `Cookie value for "${name}" has a lone surrogate ${describeChar(value, i)} at position ${i}, which has no UTF-8 encoding`,
    )
  }
}

const NO_PREFIX = 0
const SECURE_PREFIX = 1
const HOST_PREFIX = 2
type Prefix = typeof NO_PREFIX | typeof SECURE_PREFIX | typeof HOST_PREFIX

function prefixOf(name: string): Prefix {
  // Browsers match the prefixes case-insensitively (RFC 6265bis §5.7), so `__HOST-x`
  // gets the same treatment as `__Host-x`.
  if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return NO_PREFIX
  const head = name.slice(0, 9).toLowerCase()
  if (head === '__secure-') return SECURE_PREFIX
  if (head.startsWith('__host-')) return HOST_PREFIX
  return NO_PREFIX
}

function serializeAttributes(name: string, o: Attributes): string {
  let out = ''
  let secure = Boolean(o.secure)
  let path = o.path

  const prefix = prefixOf(name)
  if (prefix !== NO_PREFIX) {
    // Quoted as written, so a user who typed `__HOST-` sees why it counts as a prefix.
    const label = name.slice(0, prefix === HOST_PREFIX ? 7 : 9)
    if (o.secure === false) {
      throw new CookieError(
        'INVALID_PREFIX',
        `Cookie "${name}" has the ${label} prefix, which requires Secure, but secure is false (RFC 6265bis §4.1.3)`,
      )
    }
    secure = true
    if (prefix === HOST_PREFIX) {
      if (o.domain !== undefined) {
        throw new CookieError(
          'INVALID_PREFIX',
          `Cookie "${name}" has the ${label} prefix, which forbids a Domain, but domain is ${show(o.domain)} (RFC 6265bis §4.1.3.2)`,
        )
      }
      if (path !== undefined && path !== '/') {
        throw new CookieError(
          'INVALID_PREFIX',
          `Cookie "${name}" has the ${label} prefix, which requires Path=/, but path is ${show(path)} (RFC 6265bis §4.1.3.2)`,
        )
      }
      path = '/'
    }
  }

  if (o.maxAge !== undefined) {
    const maxAge = o.maxAge
    if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0) {
      throw new CookieError(
        'INVALID_MAX_AGE',
        `Cookie "${name}" has an invalid maxAge ${show(maxAge)}: it must be a non-negative integer number of seconds`,
      )
    }
    out += '; Max-Age=' + String(Math.min(maxAge, MAX_AGE_CAP_SECONDS))
  }

  if (o.domain !== undefined) {
    const problem = typeof o.domain === 'string' ? domainProblem(o.domain) : 'it is not a string'
    if (problem !== null) {
      throw new CookieError(
        'INVALID_DOMAIN',
        `Cookie "${name}" has an invalid domain ${show(o.domain)}: ${problem}`,
      )
    }
    out += '; Domain=' + o.domain
  }

  if (path !== undefined) {
    const problem = typeof path === 'string' ? pathProblem(path) : 'it is not a string'
    if (problem !== null) {
      throw new CookieError(
        'INVALID_PATH',
        `Cookie "${name}" has an invalid path ${show(path)}: ${problem}`,
      )
    }
    out += '; Path=' + path
  }

  if (o.expires !== undefined) out += '; Expires=' + formatExpires(name, o.expires)
  if (o.httpOnly) out += '; HttpOnly'

  const sameSite = normalizeSameSite(name, o.sameSite)
  // Browsers reject SameSite=None and Partitioned cookies without Secure; adding it keeps the
  // cookie alive rather than throwing over an attribute whose only valid value is known.
  if (sameSite === 'None' || o.partitioned) secure = true
  if (secure) out += '; Secure'
  if (o.partitioned) out += '; Partitioned'
  if (o.priority !== undefined) out += '; Priority=' + normalizePriority(name, o.priority)
  if (sameSite !== undefined) out += '; SameSite=' + sameSite
  return out
}

function formatExpires(name: string, expires: Date): string {
  // Checked by tag rather than instanceof so that Dates from another realm (vm, iframes) pass.
  const time =
    Object.prototype.toString.call(expires) === '[object Date]' ? expires.getTime() : Number.NaN
  if (Number.isNaN(time)) {
    throw new CookieError(
      'INVALID_EXPIRES',
      `Cookie "${name}" has an invalid expires ${show(expires)}: it must be a valid Date`,
    )
  }
  if (expires.getUTCFullYear() < 1601) {
    throw new CookieError(
      'INVALID_EXPIRES',
      `Cookie "${name}" has expires ${expires.toISOString()}, before 1601, which browsers cannot parse (RFC 6265bis §5.1.1); use maxAge: 0 to delete a cookie`,
    )
  }
  const cap = Date.now() + MAX_AGE_CAP_SECONDS * 1000
  return (time > cap ? new Date(cap) : expires).toUTCString()
}

function normalizeSameSite(name: string, sameSite: SameSite | undefined): string | undefined {
  if (sameSite === undefined || sameSite === false) return undefined
  if (sameSite === true) return 'Strict'
  // The usual spellings without lower-casing a copy first.
  if (sameSite === 'Lax' || sameSite === 'Strict' || sameSite === 'None') return sameSite
  switch (typeof sameSite === 'string' ? sameSite.toLowerCase() : undefined) {
    case 'strict':
      return 'Strict'
    case 'lax':
      return 'Lax'
    case 'none':
      return 'None'
    default:
      throw new CookieError(
        'INVALID_SAME_SITE',
        `Cookie "${name}" has an invalid sameSite ${show(sameSite)}: use 'Strict', 'Lax', 'None', true or false`,
      )
  }
}

function normalizePriority(name: string, priority: Priority): string {
  if (priority === 'Low' || priority === 'Medium' || priority === 'High') return priority
  switch (typeof priority === 'string' ? priority.toLowerCase() : undefined) {
    case 'low':
      return 'Low'
    case 'medium':
      return 'Medium'
    case 'high':
      return 'High'
    default:
      throw new CookieError(
        'INVALID_PRIORITY',
        `Cookie "${name}" has an invalid priority ${show(priority)}: use 'Low', 'Medium' or 'High'`,
      )
  }
}
