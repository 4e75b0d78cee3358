import {
  type CookieJar,
  type DeclaredSessionData,
  type Session,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
} from '@cookietin/core'
import type { Request, RequestHandler } from 'express'
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
      /** This request's cookietin session (a Flask-style dict), committed before the response's headers. */
      session: Session<TypedSessionData>
      /** This request's cookies: `get`, `getSigned`, `set`, `setSigned`, `delete`, `all`. Not `req.cookies`, which is cookie-parser's. */
      cookieJar: CookieJar
    }
  }
}

/** Each request's early commit, bound to the handler and scope of the middleware that began it. */
const commits = new WeakMap<Request, () => Promise<void>>()

/**
 * Commits the session now instead of just before the headers, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on `req.cookieJar`, are still sent.
 */
export function commitSession(req: Request): Promise<void> {
  const commit = commits.get(req)
  if (commit) return commit()
  return Promise.reject(
    new TypeError('commitSession: the cookietin middleware did not run for this request'),
  )
}

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
  const handler = createSessionHandler<T>(options) as unknown as SessionHandler<TypedSessionData>
  const warn = options.warn ?? ((message: string) => console.warn(message))
  return (req, res, next) => {
    // Mounted twice (app and router): one session per request.
    if (commits.has(req)) return next()
    handler.begin(req.headers.cookie, { secure: req.secure }).then((scope) => {
      commits.set(req, () => handler.commit(scope))
      req.session = scope.session
      req.cookieJar = scope.cookies
      holdResponse(
        res,
        async () => {
          const { setCookie, vary } = await handler.end(scope)
          for (const value of setCookie) res.appendHeader('Set-Cookie', value)
          if (vary) res.vary('Cookie')
        },
        (error) =>
          warn(
            `cookietin: the session could not be committed, so the response was replaced by a 500: ${String(error)}. Call \`await commitSession(req)\` in the route to handle it.`,
          ),
      )
      next()
    }, next)
  }
}
