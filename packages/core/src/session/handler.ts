import { CookieJar } from '../cookie/jar.ts'
import { isPromise, type MaybePromise } from '../maybePromise.ts'
import { sessionCodecFor } from './codec.ts'
import {
  type ResolvedSessionOptions,
  type SessionOptions,
  resolveSessionOptions,
} from './options.ts'
import { type RequestInfo, RequestScope, type ScopeHooks } from './scope.ts'
import type { SessionData } from './session.ts'
import { lateChangeWarning, notSavedWarning } from './warnings.ts'

/**
 * What every framework adapter needs and nothing framework-specific: `begin` turns a request's
 * `Cookie` header into a `RequestScope` (its session and its jar); the scope's `finish` gives the
 * `Set-Cookie` lines. Adapters only translate.
 */
export interface SessionHandler<
  T extends object = SessionData,
  R extends RequestInfo = RequestInfo,
> {
  readonly options: ResolvedSessionOptions<T>
  /**
   * Never throws: a bad cookie reads as a new empty session. A value (not a promise) when
   * `options.synchronous`, unless the schema validates asynchronously or a `migrateFrom` reader
   * reads another library's cookie (Web Crypto). `request` says whether it came over HTTPS; the
   * hooks get it back (an adapter may pass the framework's request object).
   */
  begin(cookieHeader: string | null | undefined, request: R): MaybePromise<RequestScope<T>>
}

/** What an adapter tells core about its framework, once per middleware. */
export interface AdapterInfo<R extends RequestInfo = RequestInfo> {
  /**
   * The framework's fix for a TLS-terminating proxy it does not trust, for the production warning
   * about a session cookie sent without Secure under `secure: 'auto'`, e.g.
   * "set `app.set('trust proxy', 1)` so Express reads X-Forwarded-Proto".
   */
  insecureHint?: string
  /**
   * Names the request's route by its pattern (`POST /items/:id`, never the raw URL, so a warning is
   * logged once per route) in the warnings about a session that could not be sent. With it, a
   * change made after the response's headers is warned about instead of lost silently.
   */
  routeOf?: (request: R) => string
}

/** Validates the options and derives the keys now: a bad secret throws at start-up. */
export function createSessionHandler<
  T extends object = SessionData,
  R extends RequestInfo = RequestInfo,
>(options: SessionOptions<T>, adapter: AdapterInfo<R> = {}): SessionHandler<T, R> {
  const resolved = resolveSessionOptions(options)
  const codec = sessionCodecFor(resolved, adapter.insecureHint)
  const { keyring, onInvalid, warn } = resolved
  const routeOf = adapter.routeOf as ((request: RequestInfo) => string) | undefined
  const scopeHooks: ScopeHooks = {
    ...(routeOf && { lateChange: (request) => warn(lateChangeWarning(routeOf(request))) }),
    notSaved: (request, error) => warn(notSavedWarning(routeOf?.(request) ?? 'a request', error)),
  }
  return {
    options: resolved,
    begin(cookieHeader, request) {
      const cookies = new CookieJar(cookieHeader, { keyring, onInvalid, secure: request.secure })
      const session = codec.load(cookies)
      if (!isPromise(session)) return new RequestScope(codec, session, cookies, request, scopeHooks)
      return session.then((loaded) => new RequestScope(codec, loaded, cookies, request, scopeHooks))
    },
  }
}

/**
 * The session data type adapters expose: what users declared by augmenting an empty `SessionData`
 * interface, or any keys when they declared nothing.
 */
export type DeclaredSessionData<Declared> = [keyof Declared] extends [never]
  ? Record<string, unknown>
  : { [K in keyof Declared]: Declared[K] }
