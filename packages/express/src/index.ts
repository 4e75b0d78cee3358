import {
  type CookieJar,
  type RequestScope,
  type Session,
  type SessionHandler,
  type SessionOptions,
  createSessionHandler,
  isCookietinError,
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
export type TypedSessionData = [keyof SessionData] extends [never]
  ? Record<string, unknown>
  : { [K in keyof SessionData]: SessionData[K] }

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

interface RequestState {
  handler: SessionHandler<TypedSessionData>
  scope: RequestScope<TypedSessionData>
  /** The last early commit, so the final one waits for it. */
  saving: Promise<void>
  /** An early commit failed and its error reached the route: don't fail the response for it again. */
  surfaced: boolean
}

const requests = new WeakMap<Request, RequestState>()

/**
 * Commits the session now instead of just before the headers, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on `req.cookieJar`, are still sent.
 */
export function commitSession(req: Request): Promise<void> {
  const state = requests.get(req)
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
async function finish(state: RequestState): Promise<{ setCookie: string[]; vary: boolean }> {
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

/**
 * Cookie sessions for Express 4 and 5: `req.session` and `req.cookieJar`. Options are core's
 * `SessionOptions`, checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.get('/', (req, res) => res.send(`Hello ${String(req.session.get('user') ?? 'stranger')}`))
 */
export function cookietin<T extends Record<string, unknown> = TypedSessionData>(
  options: SessionOptions<T>,
): RequestHandler {
  const handler = createSessionHandler<T>(options) as unknown as SessionHandler<TypedSessionData>
  const warn = options.warn ?? ((message: string) => console.warn(message))
  return (req, res, next) => {
    // Mounted twice (app and router): one session per request.
    if (requests.has(req)) return next()
    handler.begin(req.headers.cookie, { secure: req.secure }).then((scope) => {
      const state: RequestState = { handler, scope, saving: Promise.resolve(), surfaced: false }
      requests.set(req, state)
      req.session = scope.session
      req.cookieJar = scope.cookies
      holdResponse(
        res,
        async () => {
          const { setCookie, vary } = await finish(state)
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
