import {
  ConfigError,
  type CookieJar,
  type ScopeResult,
  type Session,
  type SessionData,
  type SessionOptions,
  commitSession as commitScope,
  createSessionHandler,
  middlewareNotRun,
  varyWithCookie,
} from '@cookietin/core'
import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionData, SessionOptions } from '@cookietin/core'

/**
 * The Hono environment the middleware provides: `c.get('session')` and `c.get('cookies')`, typed.
 */
export interface CookietinEnv<T extends object = SessionData> {
  Variables: {
    session: Session<T>
    cookies: CookieJar
  }
}

/** Options of the Hono adapter itself, beside core's `SessionOptions`. */
export interface HonoCookietinOptions {
  /**
   * Trust the `X-Forwarded-Proto` header of a proxy that terminates TLS in front of the app, for
   * `secure: 'auto'`. Hono has no such setting of its own: behind nginx or a load balancer on
   * `@hono/node-server` the request URL is `http:`, so without this the session cookie goes
   * without Secure. Set it only when such a proxy is there (a client could send the header).
   * @default false
   */
  trustProxy?: boolean
  /** Decides whether the request came over HTTPS, instead of the URL (and `trustProxy`). */
  isSecure?: (c: Context) => boolean
}

const NOT_RUN_FIX =
  'add `app.use(cookietin({ secrets }))` before the routes that use it (for a sub-app, on that sub-app or its parent before `app.route`)'

/**
 * This request's session; throws a `CookietinError` naming the missing `app.use(cookietin(...))`
 * where `c.get('session')` would be `undefined` (Hono's answer for a variable nobody set).
 */
export function getSession<T extends object = SessionData>(c: {
  var: { session?: Session<T> }
}): Session<T> {
  const session = c.var.session
  if (session === undefined) throw middlewareNotRun("c.get('session')", NOT_RUN_FIX)
  return session
}

/** This request's cookie jar, or a `CookietinError` naming the missing middleware. */
export function getCookies(c: { var: { cookies?: CookieJar } }): CookieJar {
  const cookies = c.var.cookies
  if (cookies === undefined) throw middlewareNotRun("c.get('cookies')", NOT_RUN_FIX)
  return cookies
}

function forwardedHttps(c: Context): boolean {
  const proto = c.req.header('X-Forwarded-Proto')
  if (proto === undefined) return c.req.url.startsWith('https:')
  // Each proxy appends its own: the first is what the client used.
  return proto.split(',')[0]?.trim().toLowerCase() === 'https'
}

/**
 * Commits the session now rather than after the route, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on the jar, are still
 * sent.
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
 * Cookie sessions for Hono on any runtime it supports. Options are core's `SessionOptions`
 * (secrets, format, cookie attributes...), checked now: a bad secret throws at start-up, not at the
 * first request.
 *
 * @example
 * const app = new Hono<CookietinEnv<{ user: string }>>()
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.get('/', (c) => c.text(`Hello ${c.get('session').get('user') ?? 'stranger'}`))
 */
export function cookietin<T extends object = SessionData>(
  options: SessionOptions<T> & HonoCookietinOptions,
): MiddlewareHandler<CookietinEnv<T>> {
  const { trustProxy, isSecure, ...sessionOptions } = options
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') {
    throw new ConfigError('INVALID_OPTION', 'Option `trustProxy` must be true or false')
  }
  if (isSecure !== undefined && typeof isSecure !== 'function') {
    throw new ConfigError('INVALID_OPTION', 'Option `isSecure` must be a function of the context')
  }
  const handler = createSessionHandler<T, { secure: boolean; c: Context }>(sessionOptions, {
    insecureHint:
      "pass `trustProxy: true` to cookietin(...) so it follows the proxy's X-Forwarded-Proto " +
      '(Hono has no setting of its own)',
    // The matched route pattern, never the raw path: one warning per route.
    routeOf: ({ c }) => `${c.req.method} ${c.req.routePath}`,
  })
  // A request's URL is always serialized with a lower-case scheme: no need to parse it.
  const secure =
    isSecure ?? (trustProxy ? forwardedHttps : (c: Context) => c.req.url.startsWith('https:'))
  return createMiddleware<CookietinEnv<T>>(async (c, next) => {
    const scope = await handler.begin(c.req.header('Cookie'), { secure: secure(c), c })
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
