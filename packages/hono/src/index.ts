import {
  type CookieJar,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionData,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
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
  /** The one session commit, shared by `commitSession` and the end of the request. */
  commit?: Promise<ScopeResult>
  /** Made by `commitSession`, so the route saw its outcome. */
  early?: boolean
}

const requests = new WeakMap<Session, RequestState>()

function commitOnce(state: RequestState): Promise<ScopeResult> {
  state.commit ??= state.handler.end(state.scope)
  return state.commit
}

/**
 * Commits the session now rather than after the route, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (the client keeps its previous session). Later changes are committed at the end
 * of the request; after a failed commit the session is left out and only the jar's other cookies go.
 */
export async function commitSession(c: { var: { session: Session } }): Promise<void> {
  const state = requests.get(c.var.session)
  if (!state) throw new TypeError('commitSession: the cookietin middleware did not run for this request')
  state.early ??= state.commit === undefined
  await commitOnce(state)
}

async function finish(state: RequestState): Promise<ScopeResult> {
  const { handler, scope } = state
  let vary = true
  try {
    vary = (await commitOnce(state)).vary
  } catch (error) {
    // The early commit's error reached the route already; any other is a server error.
    if (!state.early) throw error
    return { setCookie: scope.cookies.setCookieHeaders, vary }
  }
  // Changed again after an early commit: commit the difference into the same jar.
  if (state.early && scope.session.isModified) await handler.codec.commit(scope.session, scope.cookies)
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
    const state: RequestState = { handler, scope }
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
