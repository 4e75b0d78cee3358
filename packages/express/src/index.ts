import {
  type CookieJar,
  type DeclaredSessionData,
  type RequestScope,
  type Session,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
} from '@cookietin/core'
import type { ServerResponse } from 'node:http'
import type { Request, RequestHandler, Response } from 'express'
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

/** Each request's scope and the handler of the middleware that began it, for `commitSession`. */
const SCOPE = Symbol('cookietin.scope')
const HANDLER = Symbol('cookietin.handler')
interface Carrier {
  [SCOPE]?: RequestScope<TypedSessionData>
  [HANDLER]?: SessionHandler<TypedSessionData>
}

/**
 * Commits the session now instead of just before the headers, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on `req.cookieJar`, are still sent.
 */
export function commitSession(req: Request): Promise<void> {
  const carrier = req as Carrier
  const scope = carrier[SCOPE]
  if (scope) return carrier[HANDLER]!.commit(scope)
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
  // Shared by every request: the response holds carry the request's scope, not new closures.
  const commit = async (res: ServerResponse, scope: RequestScope<TypedSessionData>) => {
    const { setCookie, vary } = await handler.end(scope)
    for (const value of setCookie) res.appendHeader('Set-Cookie', value)
    if (vary) (res as Response).vary('Cookie')
  }
  const onError = (error: unknown) =>
    warn(
      `cookietin: the session could not be committed, so the response was replaced by a 500: ${String(error)}. Call \`await commitSession(req)\` in the route to handle it.`,
    )
  return (req, res, next) => {
    const carrier = req as Carrier
    // Mounted twice (app and router): one session per request.
    if (carrier[SCOPE]) return next()
    handler.begin(req.headers.cookie, { secure: req.secure }).then((scope) => {
      carrier[SCOPE] = scope
      carrier[HANDLER] = handler
      req.session = scope.session
      req.cookieJar = scope.cookies
      holdResponse(res, scope, commit, onError)
      next()
    }, next)
  }
}
