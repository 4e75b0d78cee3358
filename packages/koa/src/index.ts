import {
  type CookieJar,
  type DeclaredSessionData,
  type ScopeResult,
  type Session,
  type SessionOptions,
  createSessionHandler,
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
export type TypedSessionData = DeclaredSessionData<SessionData>

declare module 'koa' {
  interface ExtendableContext {
    /** This request's session. Assign `null` to destroy it (as with koa-session), an object to replace its data. */
    get session(): Session<TypedSessionData>
    set session(value: Partial<TypedSessionData> | null)
    /** cookietin's cookie jar (signed cookies, `secure: 'auto'`); Koa's own `ctx.cookies` is left as it is. */
    readonly cookieJar: CookieJar
  }
}

/** Each request's early commit, bound to the handler and scope of the middleware that began it. */
const commits = new WeakMap<Session, () => Promise<void>>()

/**
 * Commits the session now rather than after the route, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (nothing is then written for the session: the client keeps its previous one).
 * Changes made after this call, and cookies set on the jar, are still sent.
 */
export function commitSession(ctx: { session: Session<TypedSessionData> }): Promise<void> {
  const commit = commits.get(ctx.session)
  if (commit) return commit()
  return Promise.reject(
    new TypeError('commitSession: the cookietin middleware did not run for this request'),
  )
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
    commits.set(scope.session, () => handler.commit(scope))
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
      const result = await handler.end(scope).catch(() => undefined)
      if (result) {
        send(result)
        keepOnError(error, result)
      }
      throw error
    }
    send(await handler.end(scope))
  }
}
