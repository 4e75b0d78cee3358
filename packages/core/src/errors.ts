/**
 * One error family with stable, UPPER_SNAKE `code`s. Configuration mistakes throw at construction;
 * untrusted input (a request's cookies) never throws, it reads as absent or empty.
 */

const BRAND = Symbol.for('cookietin.error')

export type CookieErrorCode =
  | 'INVALID_COOKIE_NAME'
  | 'INVALID_COOKIE_VALUE'
  | 'INVALID_DOMAIN'
  | 'INVALID_PATH'
  | 'INVALID_MAX_AGE'
  | 'INVALID_EXPIRES'
  | 'INVALID_SAME_SITE'
  | 'INVALID_PRIORITY'
  | 'INVALID_PREFIX'
  | 'COOKIE_TOO_LARGE'

export type ConfigErrorCode = 'NO_SECRET' | 'WEAK_SECRET' | 'DUPLICATE_SECRET' | 'INVALID_OPTION'

export type SessionErrorCode =
  | 'SESSION_TOO_LARGE'
  | 'SESSION_DESTROYED'
  | 'UNSTORABLE_VALUE'
  | 'MIDDLEWARE_NOT_RUN'

export type StoreErrorCode = 'STORE_UNAVAILABLE'

export type CookietinErrorCode =
  | CookieErrorCode
  | ConfigErrorCode
  | SessionErrorCode
  | StoreErrorCode

export class CookietinError extends Error {
  readonly code: CookietinErrorCode
  readonly [BRAND] = true

  constructor(code: CookietinErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** A cookie name, value or attribute that RFC 6265bis does not allow. */
export class CookieError extends CookietinError {
  declare readonly code: CookieErrorCode
  constructor(code: CookieErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** A mistake in options or secrets, thrown when the codec or middleware is created. */
export class ConfigError extends CookietinError {
  declare readonly code: ConfigErrorCode
  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/**
 * A session whose cookies (or, with a store, its stored JSON) would exceed the limit; nothing was
 * sent.
 */
export class SessionTooLargeError extends CookietinError {
  declare readonly code: 'SESSION_TOO_LARGE'
  readonly size: number
  readonly limit: number
  constructor(size: number, limit: number, stored = false) {
    super(
      'SESSION_TOO_LARGE',
      stored
        ? `The session's stored JSON would take ${size} bytes, over the limit of ${limit} bytes; the stored session was left unchanged`
        : `Session cookies would take ${size} bytes, over the limit of ${limit} bytes; the previous session cookie was left unchanged`,
    )
    this.size = size
    this.limit = limit
  }
}

/**
 * A value the session's format cannot store, refused where it was written (`set`, `flash`...) so it
 * never reaches the commit. `path` names where it is (`cart.items[2].price`).
 */
export class UnstorableValueError extends CookietinError {
  declare readonly code: 'UNSTORABLE_VALUE'
  /** Where the value is, from the session key: `cart.items[2].price`. */
  readonly path: string
  constructor(path: string, message: string) {
    super('UNSTORABLE_VALUE', message)
    this.path = path
  }
}

/**
 * The session or cookie jar was read on a request the cookietin middleware did not run for: it is
 * mounted after the route, on another router, or not at all.
 */
export function middlewareNotRun(what: string, fix: string): CookietinError {
  return new CookietinError(
    'MIDDLEWARE_NOT_RUN',
    `${what} was used, but the cookietin middleware did not run for this request: ${fix}`,
  )
}

/**
 * The session store failed or did not answer within `storeTimeout`: the session could not be read
 * or saved. Nothing was sent for the session, so the client keeps its cookie; answer 503 and retry
 * later.
 */
export class StoreUnavailableError extends CookietinError {
  declare readonly code: 'STORE_UNAVAILABLE'
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options)
  }
}

/** True for any cookietin error, even one thrown by another loaded copy of the package. */
export function isCookietinError(error: unknown): error is CookietinError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  )
}
