import {
  type CookieJar,
  type ScopeResult,
  type Session,
  type SessionData,
  type SessionOptions,
  commitSession as commitScope,
  createSessionHandler,
  varyWithCookie,
} from '@cookietin/core'
import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionData, SessionOptions } from '@cookietin/core'

/** The Hono environment the middleware provides: `c.get('session')` and `c.get('cookies')`, typed. */
export interface CookietinEnv<T extends object = SessionData> {
  Variables: {
    session: Session<T>
    cookies: CookieJar
  }
}

/**
 * Commits the session now rather than after the route, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (nothing is then written for the session: the client keeps its previous one).
 * Changes made after this call, and cookies set on the jar, are still sent.
 */
export function commitSession(c: { var: { session?: Session<object> } }): Promise<void> {
  return commitScope(c.var.session)
}

function applyHeaders(headers: Headers, { setCookie, vary }: ScopeResult): void {
  for (const line of setCookie) headers.append('Set-Cookie', line)
  const varied = vary ? varyWithCookie(headers.get('Vary')) : undefined
  if (varied) headers.set('Vary', varied)
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
export function cookietin<T extends object = SessionData>(
  options: SessionOptions<T>,
): MiddlewareHandler<CookietinEnv<T>> {
  const handler = createSessionHandler<T, { secure: boolean; c: Context }>(options, {
    // Named by the matched route pattern, never the raw path: one warning per route.
    onLateChange: ({ c }) =>
      handler.options.warn(
        `cookietin: ${c.req.method} ${c.req.routePath} changed the session after the response ` +
          'was made; that change was not saved.',
      ),
  })
  return createMiddleware<CookietinEnv<T>>(async (c, next) => {
    // A request's URL is always serialized with a lower-case scheme: no need to parse it.
    const secure = c.req.url.startsWith('https:')
    const scope = await handler.begin(c.req.header('Cookie'), { secure, c })
    c.set('session', scope.session)
    c.set('cookies', scope.cookies)
    // Hono hands a route's error to `onError` inside `next()`: `c.res` is then the error response,
    // which still gets the cookies of whatever the route changed before it threw.
    await next()
    const result = await scope.finish()
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
