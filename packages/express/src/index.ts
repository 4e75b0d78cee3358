import {
  type CookieJar,
  type DeclaredSessionData,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionOptions,
  commitSession as commitScope,
  createSessionHandler,
  guardUntilAttached,
  isPromise,
} from '@cookietin/core'
import type { Request, RequestHandler, Response } from 'express'
import onHeaders from 'on-headers'
import { holdResponse } from './holdResponse.ts'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionOptions } from '@cookietin/core'

/**
 * The data of `req.session`. Augment it to type the session, as with express-session:
 * `declare module '@cookietin/express' { interface SessionData { user: string } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

/** Any keys (values `unknown`) until `SessionData` is augmented, then exactly its keys. */
export type TypedSessionData = DeclaredSessionData<SessionData>

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * This request's cookietin session (a Flask-style dict), committed as the response's headers
       * are written.
       */
      session: Session<TypedSessionData>
      /**
       * This request's cookies: `get`, `getSigned`, `set`, `setSigned`, `delete`, `all`. Not
       * `req.cookies`, which is cookie-parser's.
       */
      cookieJar: CookieJar
    }
  }
}

/**
 * Commits the session now instead of as the headers are written, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on `req.cookieJar`, are
 * still sent.
 */
export function commitSession(req: Request): Promise<void> {
  // Without the middleware, `req.session` throws MIDDLEWARE_NOT_RUN: a rejection, as documented.
  return Object.hasOwn(req, 'session') ? commitScope(req.session) : commitScope(undefined)
}

function send(res: Response, { setCookie, vary }: ScopeResult): void {
  for (const line of setCookie) res.appendHeader('Set-Cookie', line)
  if (vary) res.vary('Cookie')
}

/**
 * Names the route in warnings by its pattern, so a warning is logged once per route, never per URL.
 */
const routeOf = (req: Request) =>
  `${req.method} ${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}`

const INSECURE_HINT =
  "set `app.set('trust proxy', 1)` (one proxy in front) so `req.secure` follows its X-Forwarded-Proto"
const NOT_RUN_FIX =
  'add `app.use(cookietin({ secrets }))` before the routes that use it, on the app or router that serves them'
const GUARDED = ['session', 'cookieJar']

/**
 * Cookie sessions for Express 4 and 5: `req.session` and `req.cookieJar`. Options are core's
 * `SessionOptions`, checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.get('/', (req, res) => res.send(`Hello ${String(req.session.get('user') ?? 'stranger')}`))
 */
export function cookietin<T extends object = TypedSessionData>(
  options: SessionOptions<T>,
): RequestHandler {
  const handler = createSessionHandler<T, Request>(options, {
    insecureHint: INSECURE_HINT,
    routeOf,
  })
  const { synchronous } = handler.options

  function attach(req: Request, res: Response, scope: RequestScope<object>): void {
    req.session = scope.session as Session<TypedSessionData>
    req.cookieJar = scope.cookies
    // Set by an asynchronous back-end's commit before the held response is released.
    let finished: ScopeResult | undefined
    // With synchronous crypto the commit runs here, while the headers are written: nothing is held.
    onHeaders(res, () => {
      try {
        send(res, finished ?? (scope.finish() as ScopeResult))
      } catch (error) {
        scope.reportNotSaved(error)
        send(res, { setCookie: scope.cookies.setCookieHeaders, vary: true })
      }
    })
    if (!synchronous) {
      const commit = async () => {
        finished = await scope.finish()
      }
      holdResponse(res, commit, (error) => scope.reportNotSaved(error))
    }
  }

  return (req, res, next) => {
    // Mounted twice (app and router): one session per request.
    if (Object.hasOwn(req, 'cookieJar')) return next()
    // On this app's own request prototype (`app.request`), once: a route that runs before the
    // middleware then gets an error naming it instead of `undefined`. Apps without cookietin keep
    // theirs.
    guardUntilAttached(
      Object.getPrototypeOf(req) as object,
      GUARDED,
      (name) => `req.${name}`,
      NOT_RUN_FIX,
    )
    // `req` itself is the request info core needs (`req.secure`), and what the late-change hook
    // gets.
    const begun = handler.begin(req.headers.cookie, req)
    if (isPromise(begun)) {
      begun.then((scope) => {
        attach(req, res, scope)
        next()
      }, next)
      return
    }
    attach(req, res, begun)
    next()
  }
}
