import type { CookieJar } from '../cookie/jar.ts'
import { SessionTooLargeError, StoreUnavailableError } from '../errors.ts'
import { isPromise, type MaybePromise, toPromise } from '../maybePromise.ts'
import type { SessionCodec } from './codec.ts'
import { decideCommit } from './decide.ts'
import { SESSION_STATE, type Session, type SessionData } from './session.ts'

export interface ScopeResult {
  /** `Set-Cookie` values to append to the response, in order: the session's, then the jar's. */
  setCookie: string[]
  /** The request read the session, so the response depends on the cookie: send `Vary: Cookie`. */
  vary: boolean
}

/**
 * What one request owns: its session and its cookie jar, and the two moments an adapter needs:
 * `commit` (early, for a route that answers 413 itself) and `finish` (the headers to send).
 * On a synchronous back-end both return values, so an adapter can call them while writing headers.
 */
export class RequestScope<T extends object = SessionData> {
  readonly session: Session<T>
  readonly cookies: CookieJar
  readonly #codec: SessionCodec<T>
  readonly #secure: boolean
  #sessionLines: string[] = []
  #finished = false
  /** The session's write count when `finish` ran: a later write is a change no response carries. */
  #writesAtFinish = 0
  /** A failure `commit` already handed to the route (which answered it, e.g. 413 or 503). */
  #reported: SessionTooLargeError | StoreUnavailableError | undefined
  /** An early commit still running (async back-ends): the next commit waits so two never race. */
  #pending: Promise<void> | undefined

  constructor(codec: SessionCodec<T>, session: Session<T>, cookies: CookieJar) {
    this.#codec = codec
    this.session = session
    this.cookies = cookies
    this.#secure = cookies.isSecureRequest
    session[SESSION_STATE].commit = () => this.commit()
  }

  /**
   * Commits the session now. Repeatable: later changes are committed again by `finish`. On
   * `SessionTooLargeError` or `StoreUnavailableError` nothing is sent for the session (the client
   * keeps its previous cookie) and `finish` does not raise such a failure again.
   */
  commit(): MaybePromise<void> {
    const run = () => {
      try {
        const lines = this.#codec.commit(this.session, this.#secure)
        return isPromise(lines)
          ? lines.then(
              (value) => this.#keep(value),
              (error: unknown) => this.#fail(error),
            )
          : this.#keep(lines)
      } catch (error) {
        return this.#fail(error)
      }
    }
    const result = this.#pending ? this.#pending.catch(() => undefined).then(run) : run()
    if (!isPromise(result)) return result
    const pending = result.finally(() => {
      if (this.#pending === pending) this.#pending = undefined
    })
    this.#pending = pending
    return pending
  }

  /**
   * Commits and returns every `Set-Cookie` to send (the session's and the jar's); a second call
   * returns nothing. Throws `SessionTooLargeError` with nothing written for the session, unless
   * `commit` already reported it to the route.
   */
  finish(): MaybePromise<ScopeResult> {
    if (this.#finished) return { setCookie: [], vary: false }
    this.#finished = true
    this.#writesAtFinish = this.session[SESSION_STATE].writes
    const result = (): ScopeResult => ({
      setCookie: this.#sessionLines.concat(this.cookies.setCookieHeaders),
      vary: this.session[SESSION_STATE].accessed,
    })
    const committed = this.commit()
    if (!isPromise(committed)) return result()
    return committed.then(result)
  }

  /**
   * After `finish`: whether the session changed in a way no response carries any more (a change
   * made after the headers went out). Adapters warn about it rather than lose it silently.
   */
  get hasUnsentChanges(): boolean {
    const state = this.session[SESSION_STATE]
    if (!this.#finished || state.writes === this.#writesAtFinish) return false
    const { format } = this.#codec.options
    const decision = decideCommit(state, false, (payload) =>
      format.toJson ? format.toJson(payload) : JSON.stringify(payload),
    )
    return decision.action !== 'none'
  }

  #keep(lines: string[] | undefined): void {
    if (lines) this.#sessionLines = lines
  }

  #fail(error: unknown): void {
    if (!(error instanceof SessionTooLargeError || error instanceof StoreUnavailableError)) {
      throw error
    }
    // The route already answered a failure (e.g. 413, 503): the client keeps its previous session.
    if (this.#finished && this.#reported) return
    if (!this.#finished) this.#reported = error
    throw error
  }
}

/** Commits `session` now, for a route that answers `SessionTooLargeError` itself (413). */
export function commitSession(session: Session<object> | undefined): Promise<void> {
  const commit = session?.[SESSION_STATE]?.commit
  if (!commit) {
    return Promise.reject(
      new TypeError('commitSession: the cookietin middleware did not run for this request'),
    )
  }
  return toPromise(commit)
}
