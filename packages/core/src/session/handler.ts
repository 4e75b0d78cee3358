import { CookieJar } from '../cookie/jar.ts'
import { createKeyring, type Keyring } from '../crypto/keyring.ts'
import { type SessionCodec, createSessionCodec } from './codec.ts'
import type { SessionOptions } from './options.ts'
import { SessionTooLargeError } from '../errors.ts'
import { SESSION_STATE, type Session, type SessionData } from './session.ts'

/** What one request sees: its session and its cookie jar. */
export interface RequestScope<T extends object = SessionData> {
  session: Session<T>
  cookies: CookieJar
}

export interface ScopeResult {
  /** `Set-Cookie` values to append to the response, in order. */
  setCookie: string[]
  /** The handler read the session, so the response depends on the cookie: send `Vary: Cookie`. */
  vary: boolean
}

/**
 * What every framework adapter needs and nothing framework-specific: `begin` turns a request's `Cookie`
 * header into a session and a jar, `end` turns them into `Set-Cookie` headers. Adapters only translate.
 */
export interface SessionHandler<T extends object = SessionData> {
  readonly codec: SessionCodec<T>
  /** Never throws: a bad cookie reads as a new empty session. */
  begin(cookieHeader: string | null | undefined, request: { secure: boolean }): Promise<RequestScope<T>>
  /**
   * Commits the session now, for a route that wants to catch `SessionTooLargeError` itself (answer 413).
   * Repeatable: later changes are committed again by `end`. On the error nothing is written for the
   * session, so the client keeps its previous one, and `end` will not raise the same failure again.
   */
  commit(scope: RequestScope<T>): Promise<void>
  /**
   * Whether `end` has work that needs the event loop (crypto). When false, `end` still returns the jar's
   * headers but an adapter with synchronous header writes (Express) need not hold the response.
   */
  needsCommit(scope: RequestScope<T>): boolean
  /**
   * Commits and returns every `Set-Cookie` to send (the session's and the jar's); a second call returns
   * nothing. Throws `SessionTooLargeError` with nothing written for the session, unless `commit` already
   * reported it to the route; the jar's other cookies are still in `scope.cookies.setCookieHeaders`.
   */
  end(scope: RequestScope<T>): Promise<ScopeResult>
}

interface ScopeProgress {
  ended: boolean
  /** A `SessionTooLargeError` that `commit` already handed to the route (which answered, e.g. 413). */
  reported: unknown
  /** An early commit still running: `end` waits for it so two commits never race. */
  pending: Promise<void> | undefined
}

/** Per-request state kept on the scope object itself (no WeakMap entry per request). */
const PROGRESS: unique symbol = Symbol('cookietin.scope.progress')
type Tracked = { [PROGRESS]?: ScopeProgress | undefined }

function progressOf(scope: object): ScopeProgress {
  const tracked = scope as Tracked
  let progress = tracked[PROGRESS]
  if (!progress) {
    progress = { ended: false, reported: undefined, pending: undefined }
    tracked[PROGRESS] = progress
  }
  return progress
}

export function createSessionHandler<T extends object = SessionData>(
  options: SessionOptions<T>,
): SessionHandler<T> {
  const codec = createSessionCodec(options)
  // Signed plain cookies need 32-byte secrets; a Flask session with a shorter secret still works without them.
  let keyring: Keyring | undefined
  try {
    keyring = createKeyring(options.secrets, options.backend ? { backend: options.backend } : {})
  } catch (error) {
    if (typeof options.format !== 'function') throw error
  }

  return {
    codec,
    async begin(cookieHeader, request) {
      const cookies = new CookieJar(cookieHeader, { keyring, secure: request.secure })
      const scope: RequestScope<T> & Tracked = { session: await codec.load(cookies), cookies, [PROGRESS]: undefined }
      return scope
    },
    commit(scope) {
      const progress = progressOf(scope)
      const run = (progress.pending ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => codec.commit(scope.session, scope.cookies))
        .catch((error: unknown) => {
          progress.reported = error
          throw error
        })
      progress.pending = run
      return run
    },
    needsCommit: (scope) => codec.pendingCommit(scope.session) !== 'none',
    async end(scope) {
      const progress = progressOf(scope)
      if (progress.ended) return { setCookie: [], vary: false }
      progress.ended = true
      if (progress.pending) await progress.pending.catch(() => undefined)
      try {
        await codec.commit(scope.session, scope.cookies)
      } catch (error) {
        // The route already answered this failure (e.g. 413); the client keeps its previous session.
        if (!(error instanceof SessionTooLargeError && progress.reported instanceof SessionTooLargeError)) {
          throw error
        }
      }
      return {
        setCookie: scope.cookies.setCookieHeaders,
        vary: scope.session[SESSION_STATE].accessed,
      }
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
