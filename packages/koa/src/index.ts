import {
  type CookieJar,
  type DeclaredSessionData,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionOptions,
  assignSession,
  commitSession as commitScope,
  createSessionHandler,
  middlewareNotRun,
} from '@cookietin/core'
import type { Context, Middleware } from 'koa'

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
    /**
     * This request's session. Assign `null` to destroy it (as with koa-session), an object to
     * replace its data.
     */
    get session(): Session<TypedSessionData>
    set session(value: Partial<TypedSessionData> | null)
    /**
     * cookietin's cookie jar (signed cookies, `secure: 'auto'`); Koa's own `ctx.cookies` is left as
     * it is.
     */
    readonly cookieJar: CookieJar
  }
}

/** Each request's scope, on `ctx` under a symbol as koa-session keeps its own. */
const SCOPE = Symbol('cookietin.scope')
type Carrier = { [SCOPE]?: RequestScope<TypedSessionData> }

/**
 * Commits the session now rather than after the route, so the route can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on the jar, are still
 * sent.
 */
export async function commitSession(ctx: {
  session?: Session<TypedSessionData> | null
}): Promise<void> {
  // Async so that `ctx.session` without the middleware (MIDDLEWARE_NOT_RUN) is a rejection.
  return await commitScope(ctx.session ?? undefined)
}

/**
 * `ctx.session` and `ctx.cookieJar`, defined once on `app.context` (every `ctx` inherits them, so
 * no `ctx` changes shape): they read the request's scope.
 */
const NOT_RUN_FIX =
  'add `app.use(cookietin({ secrets }))` before the middleware and routes that use it'

const ACCESSORS: PropertyDescriptorMap = {
  session: {
    configurable: true,
    get(this: Carrier) {
      const scope = this[SCOPE]
      if (!scope) throw middlewareNotRun('ctx.session', NOT_RUN_FIX)
      return scope.session
    },
    set(this: Carrier, value: unknown) {
      const scope = this[SCOPE]
      // Before the middleware ran: a plain property, as if the accessors were not there.
      if (scope) assignSession(scope.session, value, 'ctx.session')
      else Object.defineProperty(this, 'session', { value, writable: true, configurable: true })
    },
  },
  cookieJar: {
    configurable: true,
    get(this: Carrier) {
      const scope = this[SCOPE]
      if (!scope) throw middlewareNotRun('ctx.cookieJar', NOT_RUN_FIX)
      return scope.cookies
    },
  },
}

/** On `app.context`: whether the accessors live there (false: another library owns those names). */
const EXTENDED = Symbol('cookietin.extended')

/**
 * Defines the accessors on the app's context once, or on this `ctx` when they cannot live there.
 */
function extend(ctx: Context): void {
  const context = ctx.app.context as { [EXTENDED]?: boolean }
  if (context[EXTENDED] === undefined) {
    try {
      Object.defineProperties(context, ACCESSORS)
      context[EXTENDED] = true
    } catch {
      context[EXTENDED] = false
    }
  }
  // Anything set on this ctx itself would hide the accessors it inherits.
  if (!context[EXTENDED] || Object.hasOwn(ctx, 'session') || Object.hasOwn(ctx, 'cookieJar')) {
    Object.defineProperties(ctx, ACCESSORS)
  }
}

/**
 * Koa's `ctx.onerror` removes every response header, then sets `err.headers`: put ours there too.
 */
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

function send(ctx: Context, { setCookie, vary }: ScopeResult): void {
  if (setCookie.length > 0) ctx.append('Set-Cookie', setCookie)
  if (vary) ctx.vary('Cookie')
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
  const handler = createSessionHandler<TypedSessionData, Context>(options, {
    insecureHint: "set `app.proxy = true` so `ctx.secure` follows the proxy's X-Forwarded-Proto",
    // The matched route (@koa/router sets it), never the raw path: one warning per route.
    routeOf: (ctx) => [ctx.method, ctx['_matchedRoute']].filter(Boolean).join(' '),
  })
  return async function cookietinSession(ctx, next) {
    // `ctx` itself is the request info core needs (`ctx.secure`), and what the late-change hook
    // gets.
    const scope = await handler.begin(ctx.get('Cookie'), ctx)
    extend(ctx)
    ;(ctx as Carrier)[SCOPE] = scope
    try {
      await next()
    } catch (error) {
      // The route's error matters more than one from committing; an upstream error handler
      // that answers keeps the headers on ctx, Koa's own `ctx.onerror` those on the error.
      const result = await Promise.resolve()
        .then(() => scope.finish())
        .catch(() => undefined)
      if (result) {
        send(ctx, result)
        keepOnError(error, result)
      }
      throw error
    }
    send(ctx, await scope.finish())
  }
}
