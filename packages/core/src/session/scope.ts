import type { CookieJar } from '../cookie/jar.ts'
import { SessionTooLargeError, StoreUnavailableError, middlewareNotRun } from '../errors.ts'
import { isPromise, type MaybePromise, toPromise } from '../maybePromise.ts'
import type { SessionCodec } from './codec.ts'
import { decideCommit } from './decide.ts'
import { SESSION_STATE, type Session, type SessionData, type SessionOwner } from './session.ts'

export interface ScopeResult {
  /** `Set-Cookie` values to append to the response, in order: the session's, then the jar's. */
  setCookie: string[]
  /** The request read the session, so the response depends on the cookie: send `Vary: Cookie`. */
  vary: boolean
}

/**
 * What an adapter tells core about the request: whether it came over HTTPS, and anything else it
 * wants back.
 */
export interface RequestInfo {
  readonly secure: boolean
}

/**
 * What the handler does for the scope when a session cannot be sent (it warns, naming the route).
 */
export interface ScopeHooks {
  /**
   * The session changed after `finish` (the response's headers were built), so no response carries
   * the change. Called at most once per request, with what the adapter passed to `begin`.
   */
  lateChange?(request: RequestInfo): void
  notSaved(request: RequestInfo, error: unknown): void
}

/**
 * What one request owns: its session and its cookie jar, and the two moments an adapter needs:
 * `commit` (early, for a route that answers 413 itself) and `finish` (the headers to send).
 * On a synchronous back-end both return values, so an adapter can call them while writing headers.
 */
export class RequestScope<T extends object = SessionData> implements SessionOwner {
  readonly session: Session<T>
  readonly cookies: CookieJar
  readonly #codec: SessionCodec<T>
  readonly #request: RequestInfo
  readonly #hooks: ScopeHooks
  #sessionLines: string[] = []
  #finished = false
  /** The session's write count when `finish` ran: a later write is a change no response carries. */
  #writesAtFinish = 0
  #lateWriteNoted = false
  /** A failure `commit` already handed to the route (which answered it, e.g. 413 or 503). */
  #reported: SessionTooLargeError | StoreUnavailableError | undefined
  /** An early commit still running (async back-ends): the next commit waits so two never race. */
  #pending: Promise<void> | undefined

  constructor(
    codec: SessionCodec<T>,
    session: Session<T>,
    cookies: CookieJar,
    request: RequestInfo,
    hooks: ScopeHooks,
  ) {
    this.#codec = codec
    this.session = session
    this.cookies = cookies
    this.#request = request
    this.#hooks = hooks
    session[SESSION_STATE].owner = this
  }

  /**
   * Commits the session now. Repeatable: later changes are committed again by `finish`. On
   * `SessionTooLargeError` or `StoreUnavailableError` nothing is sent for the session (the client
   * keeps its previous cookie) and `finish` does not raise such a failure again.
   */
  commit(): MaybePromise<void> {
    if (this.#pending)
      return this.#track(this.#pending.catch(() => undefined).then(() => this.#run()))
    const result = this.#run()
    return isPromise(result) ? this.#track(result) : result
  }

  #run(): MaybePromise<void> {
    try {
      const lines = this.#codec.commit(this.session, this.cookies.isSecureRequest)
      if (!isPromise(lines)) return this.#keep(lines)
      return lines.then(
        (value) => this.#keep(value),
        (error: unknown) => this.#fail(error),
      )
    } catch (error) {
      return this.#fail(error)
    }
  }

  #track(run: Promise<void>): Promise<void> {
    const pending = run.finally(() => {
      if (this.#pending === pending) this.#pending = undefined
    })
    this.#pending = pending
    return pending
  }

  /**
   * Commits and returns every `Set-Cookie` to send (the session's and the jar's); a second call
   * returns nothing. Throws `SessionTooLargeError` (or `StoreUnavailableError` with a store) with
   * nothing written for the session, unless `commit` already reported it to the route.
   */
  finish(): MaybePromise<ScopeResult> {
    if (this.#finished) return { setCookie: [], vary: false }
    this.#finished = true
    const state = this.session[SESSION_STATE]
    this.#writesAtFinish = state.writes
    state.finished = true
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
    try {
      const decision = decideCommit(state, false, (payload) =>
        format.toJson ? format.toJson(payload) : JSON.stringify(payload),
      )
      return decision.action !== 'none'
    } catch {
      // A value changed in place into one the format cannot store: a change, and not sent.
      return true
    }
  }

  /**
   * Called by the session on a write after `finish`; the change is judged once the route's code has
   * run.
   */
  noteLateWrite(): void {
    if (this.#lateWriteNoted || !this.#hooks.lateChange) return
    this.#lateWriteNoted = true
    queueMicrotask(() => {
      // An unchanged write is nothing to report; a later one is judged again.
      if (!this.hasUnsentChanges) this.#lateWriteNoted = false
      else this.#hooks.lateChange?.(this.#request)
    })
  }

  /**
   * For an adapter whose `finish` failed where nothing can answer the route any more (the headers
   * are being written): warns once per route that the client keeps its previous session.
   */
  reportNotSaved(error: unknown): void {
    this.#hooks.notSaved(this.#request, error)
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
  const owner = session?.[SESSION_STATE]?.owner
  if (!owner) {
    return Promise.reject(
      middlewareNotRun('commitSession', 'add app.use(cookietin({ secrets })) before this route'),
    )
  }
  return toPromise(() => owner.commit())
}
