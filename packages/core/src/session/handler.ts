import { CookieJar } from '../cookie/jar.ts'
import { isPromise, type MaybePromise } from '../maybePromise.ts'
import { sessionCodecFor } from './codec.ts'
import {
  type ResolvedSessionOptions,
  type SessionOptions,
  resolveSessionOptions,
} from './options.ts'
import { RequestScope } from './scope.ts'
import type { Session, SessionData } from './session.ts'

/**
 * What every framework adapter needs and nothing framework-specific: `begin` turns a request's
 * `Cookie` header into a `RequestScope` (its session and its jar); the scope's `finish` gives the
 * `Set-Cookie` lines. Adapters only translate.
 */
export interface SessionHandler<T extends object = SessionData> {
  readonly options: ResolvedSessionOptions<T>
  /**
   * Never throws: a bad cookie reads as a new empty session. A value (not a promise) when
   * `options.synchronous` and no schema validates asynchronously.
   */
  begin(
    cookieHeader: string | null | undefined,
    request: { secure: boolean },
  ): MaybePromise<RequestScope<T>>
}

/** Validates the options and derives the keys now: a bad secret throws at start-up. */
export function createSessionHandler<T extends object = SessionData>(
  options: SessionOptions<T>,
): SessionHandler<T> {
  const resolved = resolveSessionOptions(options)
  const codec = sessionCodecFor(resolved)
  const jarOptions = { keyring: resolved.keyring }
  const scopeFor = (session: Session<T>, cookies: CookieJar) =>
    new RequestScope(codec, session, cookies)
  return {
    options: resolved,
    begin(cookieHeader, request) {
      const cookies = new CookieJar(cookieHeader, { ...jarOptions, secure: request.secure })
      const session = codec.load(cookies)
      return isPromise(session)
        ? session.then((loaded) => scopeFor(loaded, cookies))
        : scopeFor(session, cookies)
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
