import type { InvalidReason } from '../crypto/envelope.ts'
import { type Keyring } from '../crypto/keyring.ts'
import { signValue, verifyValue } from '../crypto/sign.ts'
import { checkOptionNames } from '../didYouMean.ts'
import { ConfigError, CookieError } from '../errors.ts'
import { parseCookies } from './parse.ts'
import { type CookieOptions, serializeCookie, serializeCookieDeletion } from './serialize.ts'
import { isValidCookieName } from './validate.ts'

export interface JarCookieOptions extends Omit<CookieOptions, 'secure'> {
  /** `'auto'`: Secure when the request came over HTTPS. @default false */
  secure?: boolean | 'auto'
}

/** What `onInvalid` hears about a signed cookie that was present but failed verification. */
export interface InvalidSignedCookieEvent {
  reason: InvalidReason
  cookieName: string
  kind: 'signed-cookie'
}

export interface CookieJarOptions {
  /** Signs and verifies `setSigned`/`getSigned` cookies. */
  keyring?: Keyring | undefined
  /**
   * Whether the request came over HTTPS, as the framework reports it; resolves `secure: 'auto'`.
   */
  secure?: boolean
  /**
   * Hears of each signed cookie read with `getSigned` that is tampered, expired or wrongly keyed.
   */
  onInvalid?: ((event: InvalidSignedCookieEvent) => void) | undefined
}

/** A signed cookie as `readSigned` found it. */
export interface SignedCookie {
  value: string
  /**
   * An older secret signed it: re-issue it (`getSigned(name, { reissue })` does) before that secret
   * is retired.
   */
  stale: boolean
  /**
   * When its signature expires, in Unix seconds; `undefined` when it was signed without `maxAge`.
   */
  expiresAt: number | undefined
}

export interface GetSignedOptions {
  /**
   * When an older secret signed the cookie, set it again signed by the newest, with these
   * attributes (pass the ones it was set with). Its authenticated expiry is kept: the new
   * signature and Max-Age run out when the old one would have, and `maxAge`/`expires` here are
   * used only for a cookie signed without an expiry.
   */
  reissue?: JarCookieOptions
}

const ATTRIBUTES = [
  'maxAge',
  'expires',
  'domain',
  'path',
  'secure',
  'httpOnly',
  'sameSite',
  'partitioned',
  'priority',
] as const

const ADVICE = { signed: 'use `setSigned` for a signed cookie' }

/**
 * The cookies of one request and the `Set-Cookie` headers of its response. Reading never throws;
 * writing throws `CookieError` for a name, value or attribute RFC 6265bis does not allow.
 */
export class CookieJar {
  readonly #header: string | null | undefined
  #parsed: Record<string, string> | undefined
  // Made on the first `set`: most requests set no cookie of their own.
  #outgoing: Map<string, string> | undefined
  readonly #keyring: Keyring | undefined
  readonly #secure: boolean
  readonly #onInvalid: CookieJarOptions['onInvalid']

  constructor(header: string | null | undefined, options: CookieJarOptions = {}) {
    this.#header = header
    this.#keyring = options.keyring
    this.#secure = options.secure ?? false
    this.#onInvalid = options.onInvalid
  }

  /** Whether the request came over HTTPS. */
  get isSecureRequest(): boolean {
    return this.#secure
  }

  /** Every cookie the request carried, as a null-prototype object. */
  all(): Readonly<Record<string, string>> {
    this.#parsed ??= parseCookies(this.#header)
    return this.#parsed
  }

  get(name: string): string | undefined {
    const cookies = this.all()
    return Object.hasOwn(cookies, name) ? cookies[name] : undefined
  }

  /**
   * The value of a cookie set with `setSigned`, or `undefined` if absent, tampered or expired (a
   * present cookie that fails is reported to `onInvalid`). With `reissue`, a cookie an older secret
   * signed is set again, signed by the newest.
   */
  async getSigned(name: string, options: GetSignedOptions = {}): Promise<string | undefined> {
    checkOptionNames('cookies.getSigned', options, ['reissue'])
    if (options.reissue) checkOptionNames('cookies.getSigned: reissue', options.reissue, ATTRIBUTES)
    const cookie = await this.readSigned(name)
    if (cookie?.stale && options.reissue) {
      const remaining =
        cookie.expiresAt === undefined
          ? undefined
          : Math.max(cookie.expiresAt - Math.floor(Date.now() / 1000), 0)
      const { expires, maxAge, ...rest } = options.reissue
      const lifetime =
        remaining === undefined
          ? {
              ...(expires === undefined ? {} : { expires }),
              ...(maxAge === undefined ? {} : { maxAge }),
            }
          : { maxAge: remaining }
      await this.setSigned(name, cookie.value, { ...rest, ...lifetime })
    }
    return cookie?.value
  }

  /**
   * A cookie set with `setSigned`, with whether an older secret signed it (`stale`: re-issue it),
   * or `undefined` if absent, tampered or expired (a present cookie that fails is reported to
   * `onInvalid`).
   */
  async readSigned(name: string): Promise<SignedCookie | undefined> {
    const token = this.get(name)
    if (token === undefined) return undefined
    const result = await verifyValue(this.#requireKeyring(), name, token)
    if (!result.ok) {
      try {
        this.#onInvalid?.({ reason: result.reason, cookieName: name, kind: 'signed-cookie' })
      } catch {
        // A logging hook must not turn a bad cookie into a failed request.
      }
      return undefined
    }
    return {
      value: result.value,
      stale: result.stale,
      expiresAt: result.expiresAt === 0 ? undefined : result.expiresAt,
    }
  }

  /**
   * Sets a cookie; a second `set` of the same name, path and domain replaces the first. @default
   * path '/'
   */
  set(name: string, value: string, options: JarCookieOptions = {}): void {
    checkOptionNames('cookies.set', options, ATTRIBUTES, ADVICE)
    const resolved = this.#resolve(options)
    this.#outgoing ??= new Map()
    this.#outgoing.set(outgoingKey(name, resolved), serializeCookie(name, value, resolved))
  }

  /**
   * Sets a cookie the user can read but not change; `maxAge` is also enforced inside the signature.
   */
  async setSigned(name: string, value: string, options: JarCookieOptions = {}): Promise<void> {
    checkOptionNames('cookies.setSigned', options, ATTRIBUTES)
    // Validate before signing: only token names can be signed, which keeps them apart from session
    // tokens.
    if (!isValidCookieName(name)) {
      throw new CookieError('INVALID_COOKIE_NAME', `Invalid cookie name ${JSON.stringify(name)}`)
    }
    const sealOptions = options.maxAge === undefined ? {} : { maxAge: options.maxAge }
    this.set(name, await signValue(this.#requireKeyring(), name, value, sealOptions), options)
  }

  /** Deletes a cookie: path and domain must match the ones it was set with. @default path '/' */
  delete(
    name: string,
    options: Pick<JarCookieOptions, 'path' | 'domain' | 'secure' | 'sameSite' | 'partitioned'> = {},
  ): void {
    checkOptionNames('cookies.delete', options, ATTRIBUTES)
    const resolved = this.#resolve(options)
    this.#outgoing ??= new Map()
    this.#outgoing.set(outgoingKey(name, resolved), serializeCookieDeletion(name, resolved))
  }

  /**
   * The `Set-Cookie` header values to send, one per cookie; a later set of the same cookie replaces
   * an earlier one.
   */
  get setCookieHeaders(): string[] {
    return this.#outgoing ? [...this.#outgoing.values()] : []
  }

  #resolve<O extends JarCookieOptions>(
    options: O,
  ): Omit<O, 'secure'> & { path: string; secure?: boolean } {
    const { secure, ...rest } = options
    const resolved: Omit<O, 'secure'> & { path: string; secure?: boolean } = {
      ...rest,
      path: options.path ?? '/',
    }
    const isSecure = secure === 'auto' ? this.#secure : secure
    if (isSecure !== undefined) resolved.secure = isSecure
    return resolved
  }

  #requireKeyring(): Keyring {
    if (!this.#keyring) {
      throw new ConfigError('NO_SECRET', 'Signed cookies need secrets of at least 32 bytes')
    }
    return this.#keyring
  }
}

function outgoingKey(name: string, options: { path: string; domain?: string }): string {
  return `${name}\0${options.path}\0${options.domain?.toLowerCase() ?? ''}`
}
