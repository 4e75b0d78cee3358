import {
  type CookieJar,
  type SessionData as AnyData,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
  isCookietinError,
} from '@cookietin/core'
import type { Middleware } from 'koa'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionOptions } from '@cookietin/core'

/**
 * Augment to type `ctx.session` in every middleware:
 * `declare module '@cookietin/koa' { interface SessionData { user: string } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

/** The augmented `SessionData`, or any keys when it was not augmented. */
export type TypedSessionData = [keyof SessionData] extends [never]
  ? AnyData
  : { [K in keyof SessionData]: SessionData[K] }

declare module 'koa' {
  interface ExtendableContext {
    /** This request's session. Assign `null` to destroy it (as with koa-session), an object to replace its data. */
    get session(): Session<TypedSessionData>
    set session(value: Partial<TypedSessionData> | null)
    /** cookietin's cookie jar (signed cookies, `secure: 'auto'`); Koa's own `ctx.cookies` is left as it is. */
    readonly cookieJar: CookieJar
  }
}

interface RequestState {
  handler: SessionHandler
  scope: RequestScope
  /** The last early commit, so the final one waits for it. */
  saving: Promise<void>
  /** An early commit failed and its error reached the route: don't fail the response for it again. */
  surfaced: boolean
}

const requests = new WeakMap<Session, RequestState>()

/**
 * Commits the session now rather than after the route, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (nothing is then written for the session: the client keeps its previous one).
 * Changes made after this call, and cookies set on the jar, are still sent.
 */
export function commitSession(ctx: { session: Session<TypedSessionData> }): Promise<void> {
  const state = requests.get(ctx.session)
  if (!state)
    return Promise.reject(
      new TypeError('commitSession: the cookietin middleware did not run for this request'),
    )
  const { handler, scope } = state
  state.saving = state.saving
    .catch(() => {})
    .then(() => handler.codec.commit(scope.session, scope.cookies))
  return state.saving.catch((error: unknown) => {
    state.surfaced = true
    throw error
  })
}

/** Commits the session into the jar and returns every header the jar holds, with whether to vary. */
async function finish(state: RequestState): Promise<ScopeResult> {
  const { handler, scope } = state
  await state.saving.catch(() => {})
  let vary = true
  try {
    ;({ vary } = await handler.end(scope))
  } catch (error) {
    if (!(state.surfaced && isCookietinError(error) && error.code === 'SESSION_TOO_LARGE'))
      throw error
  }
  // The jar, not `end`'s result: it also holds what an early commit wrote and cookies set after it.
  return { setCookie: scope.cookies.setCookieHeaders, vary }
}

function assign(session: Session, value: unknown): void {
  if (value === session) return
  if (value === null) return session.destroy()
  if (typeof value !== 'object') {
    throw new TypeError('ctx.session can only be set to null (destroy) or an object (new data)')
  }
  for (const key of session.keys) session.delete(key)
  for (const [key, item] of Object.entries(value)) session.set(key, item)
}

/** Koa's `ctx.onerror` removes every response header, then sets `err.headers`: put ours there too. */
function keepOnError(error: unknown, { setCookie, vary }: ScopeResult): void {
  if (typeof error !== 'object' || error === null) return
  const headers: Record<string, unknown> = { ...(error as { headers?: object }).headers }
  const add = (name: string, values: string[]) => {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name
    if (values.length > 0) headers[key] = [headers[key] ?? [], values].flat()
  }
  add('Set-Cookie', setCookie)
  add('Vary', vary ? ['Cookie'] : [])
  try {
    Object.assign(error, { headers })
  } catch {
    // A frozen error: Koa sends it without our headers.
  }
}

/**
 * Cookie sessions for Koa 2 and 3: `ctx.session` and `ctx.cookieJar`. Options are core's
 * `SessionOptions`, checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.use((ctx) => { ctx.body = `Hello ${ctx.session.get('user') ?? 'stranger'}` })
 */
export function cookietin(options: SessionOptions<TypedSessionData>): Middleware {
  const handler = createSessionHandler(options)
  return async function cookietinSession(ctx, next) {
    const scope = await handler.begin(ctx.get('Cookie'), { secure: ctx.secure })
    const state: RequestState = { handler, scope, saving: Promise.resolve(), surfaced: false }
    requests.set(scope.session, state)
    Object.defineProperties(ctx, {
      session: {
        configurable: true,
        get: () => scope.session,
        set: (value) => assign(scope.session, value),
      },
      cookieJar: { configurable: true, value: scope.cookies },
    })
    const send = ({ setCookie, vary }: ScopeResult) => {
      for (const value of setCookie) ctx.append('Set-Cookie', value)
      if (vary) ctx.vary('Cookie')
    }
    try {
      await next()
    } catch (error) {
      // The route's error matters more than one from committing; an upstream error handler
      // that answers keeps the headers on ctx, Koa's own `ctx.onerror` those on the error.
      const result = await finish(state).catch(() => undefined)
      if (result) {
        send(result)
        keepOnError(error, result)
      }
      throw error
    }
    send(await finish(state))
  }
}
