import {
  type CookieJar,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionData,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
  isCookietinError,
} from '@cookietin/core'
import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionData, SessionOptions } from '@cookietin/core'

/** The Hono environment the middleware provides: `c.get('session')` and `c.get('cookies')`, typed. */
export interface CookietinEnv<T extends SessionData = SessionData> {
  Variables: {
    session: Session<T>
    cookies: CookieJar
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
export function commitSession(c: { var: { session: Session } }): Promise<void> {
  const state = requests.get(c.var.session)
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

function applyHeaders(headers: Headers, { setCookie, vary }: ScopeResult): void {
  for (const value of setCookie) headers.append('Set-Cookie', value)
  const tokens = (headers.get('Vary') ?? '').split(',').map((token) => token.trim().toLowerCase())
  if (vary && !tokens.includes('cookie') && !tokens.includes('*')) headers.append('Vary', 'Cookie')
}

/**
 * Cookie sessions for Hono on any runtime it supports. Options are core's `SessionOptions` (secrets,
 * format, cookie attributes...), checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * const app = new Hono<CookietinEnv<{ user: string }>>()
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.get('/', (c) => c.text(`Hello ${c.get('session').get('user') ?? 'stranger'}`))
 */
export function cookietin<T extends SessionData = SessionData>(
  options: SessionOptions<T>,
): MiddlewareHandler<CookietinEnv<T>> {
  const handler = createSessionHandler<T>(options)
  return createMiddleware<CookietinEnv<T>>(async (c, next) => {
    const secure = new URL(c.req.url).protocol === 'https:'
    const scope = await handler.begin(c.req.header('Cookie'), { secure })
    const state: RequestState = { handler, scope, saving: Promise.resolve(), surfaced: false }
    requests.set(scope.session, state)
    c.set('session', scope.session)
    c.set('cookies', scope.cookies)
    // Hono hands a route's error to `onError` inside `next()`: `c.res` is then the error response,
    // which still gets the cookies of whatever the route changed before it threw.
    await next()
    const result = await finish(state)
    if (result.setCookie.length === 0 && !result.vary) return
    try {
      applyHeaders(c.res.headers, result)
    } catch {
      // Immutable headers (`Response.redirect`, a fetched response): send a copy.
      c.res = new Response(c.res.body, c.res)
      applyHeaders(c.res.headers, result)
    }
  })
}
