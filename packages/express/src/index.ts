import {
  type CookieJar,
  type DeclaredSessionData,
  type RequestScope,
  type Session,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
} from '@cookietin/core'
import { IncomingMessage, type ServerResponse } from 'node:http'
import type { Request, RequestHandler, Response } from 'express'
import { heldContext, holdResponse } from './holdResponse.ts'

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

/** What each held response carries: its request's scope and the middleware that began it. */
interface Held {
  handler: SessionHandler<TypedSessionData>
  scope: RequestScope<TypedSessionData>
  warn: (message: string) => void
}

/**
 * Commits the session now instead of just before the headers, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on `req.cookieJar`, are still sent.
 */
export function commitSession(req: Request): Promise<void> {
  const held = heldContext<Held>(req.res)
  if (held) return held.handler.commit(held.scope)
  return Promise.reject(
    new TypeError('commitSession: the cookietin middleware did not run for this request'),
  )
}

/** On the prototype that carries the `req.session` and `req.cookieJar` accessors. */
const ACCESSORS = Symbol('cookietin.accessors')

/**
 * `req.session` and `req.cookieJar` as accessors on the prototype just above Node's
 * `IncomingMessage.prototype` in Express's chain (every mounted app's `request` inherits it), defined
 * once: a property added to each `req` costs microseconds (its map is its own, through
 * `Object.setPrototypeOf`). They read the request's hold; assigning one makes it a plain property of
 * that `req`, as before. False without such a prototype.
 */
function defineAccessors(req: Request): boolean {
  const base = IncomingMessage.prototype
  let proto = Object.getPrototypeOf(req) as object | null
  if (proto === base) return false
  while (proto !== null && Object.getPrototypeOf(proto) !== base)
    proto = Object.getPrototypeOf(proto) as object | null
  if (proto === null) return false
  const plain = (target: object, name: string, value: unknown) =>
    Object.defineProperty(target, name, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  try {
    Object.defineProperties(proto, {
      session: {
        configurable: true,
        get(this: Request) {
          return heldContext<Held>(this.res)?.scope.session
        },
        set(this: Request, value: unknown) {
          plain(this, 'session', value)
        },
      },
      cookieJar: {
        configurable: true,
        get(this: Request) {
          return heldContext<Held>(this.res)?.scope.cookies
        },
        set(this: Request, value: unknown) {
          plain(this, 'cookieJar', value)
        },
      },
      [ACCESSORS]: { value: true, configurable: true },
    })
  } catch {
    return false // another library made them its own for good
  }
  return true
}

async function commit(res: ServerResponse, { handler, scope }: Held): Promise<void> {
  const { setCookie, vary } = await handler.end(scope)
  for (const value of setCookie) res.appendHeader('Set-Cookie', value)
  if (vary) (res as Response).vary('Cookie')
}

function reportFailure(error: unknown, { warn }: Held): void {
  warn(
    `cookietin: the session could not be committed, so the response was replaced by a 500: ${String(error)}. Call \`await commitSession(req)\` in the route to handle it.`,
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
    if (heldContext(res)) return next()
    handler.begin(req.headers.cookie, { secure: req.secure }).then((scope) => {
      holdResponse<Held>(res, { handler, scope, warn }, commit, reportFailure)
      // A `req` whose own `session` (set before this middleware) would hide the accessors gets its own.
      if (
        Object.hasOwn(req, 'session') ||
        Object.hasOwn(req, 'cookieJar') ||
        ((req as { [ACCESSORS]?: true })[ACCESSORS] !== true && !defineAccessors(req))
      ) {
        req.session = scope.session
        req.cookieJar = scope.cookies
      }
      next()
    }, next)
  }
}
