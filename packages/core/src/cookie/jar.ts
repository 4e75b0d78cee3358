import { type Keyring } from '../crypto/keyring.ts'
import { signValue, verifyValue } from '../crypto/sign.ts'
import { ConfigError, CookieError } from '../errors.ts'
import { parseCookies } from './parse.ts'
import { type CookieOptions, serializeCookie, serializeCookieDeletion } from './serialize.ts'
import { isValidCookieName } from './validate.ts'

export interface JarCookieOptions extends Omit<CookieOptions, 'secure'> {
  /** `'auto'`: Secure when the request came over HTTPS. @default false */
  secure?: boolean | 'auto'
}

export interface CookieJarOptions {
  /** Signs and verifies `setSigned`/`getSigned` cookies. */
  keyring?: Keyring | undefined
  /** Whether the request came over HTTPS, as the framework reports it; resolves `secure: 'auto'`. */
  secure?: boolean
}

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

  constructor(header: string | null | undefined, options: CookieJarOptions = {}) {
    this.#header = header
    this.#keyring = options.keyring
    this.#secure = options.secure ?? false
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

  /** The value of a cookie set with `setSigned`, or `undefined` if absent, tampered or expired. */
  async getSigned(name: string): Promise<string | undefined> {
    const token = this.get(name)
    if (token === undefined) return undefined
    const result = await verifyValue(this.#requireKeyring(), name, token)
    return result.ok ? result.value : undefined
  }

  set(name: string, value: string, options: JarCookieOptions = {}): void {
    const resolved = this.#resolve(options)
    this.#outgoing ??= new Map()
    this.#outgoing.set(outgoingKey(name, resolved), serializeCookie(name, value, resolved))
  }

  /** Sets a cookie the user can read but not change; `maxAge` is also enforced inside the signature. */
  async setSigned(name: string, value: string, options: JarCookieOptions = {}): Promise<void> {
    // Validate before signing: only token names can be signed, which keeps them apart from session tokens.
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
    const resolved = this.#resolve(options)
    this.#outgoing ??= new Map()
    this.#outgoing.set(outgoingKey(name, resolved), serializeCookieDeletion(name, resolved))
  }

  /** The `Set-Cookie` header values to send, one per cookie; a later set of the same cookie replaces an earlier one. */
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
