import {
  type CookieJar,
  type DeclaredSessionData,
  type RequestScope,
  type ScopeResult,
  // Aliased: inside `declare module 'fastify'` below, a plain `Session` would name any `Session`
  // another plugin declares in that module (@fastify/secure-session does).
  type Session as CookietinSession,
  type SessionHandler,
  type SessionOptions,
  commitSession as commitScope,
  createSessionHandler,
  isPromise,
  varyWithCookie,
} from '@cookietin/core'
import type {
  FastifyError,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onSendHookHandler,
} from 'fastify'
import fp from 'fastify-plugin'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type { CookieJar, Session, SessionOptions } from '@cookietin/core'

/**
 * The data of `request.session`. Augment it to type the session, as with @fastify/session:
 * `declare module '@cookietin/fastify' { interface SessionData { user: string } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

/** Any keys (values `unknown`) until `SessionData` is augmented, then exactly its keys. */
export type TypedSessionData = DeclaredSessionData<SessionData>

/** The plugin's options: core's `SessionOptions`, checked when the plugin is registered. */
export type CookietinOptions = SessionOptions<TypedSessionData>

// Not `readonly`, though both are getters: the other session plugins declare a plain `session`,
// and differing modifiers would break any program that has both installed (during a migration).
declare module 'fastify' {
  interface FastifyRequest {
    /** This request's cookietin session (a Flask-style dict), committed in `onSend`. */
    session: CookietinSession<TypedSessionData>
    /**
     * This request's cookies: `get`, `getSigned`, `set`, `setSigned`, `delete`, `all`. Not
     * `request.cookies`, which is @fastify/cookie's.
     */
    cookieJar: CookieJar
  }
}

/** Each request's scope, under a symbol declared once as a request decorator. */
const SCOPE = Symbol('cookietin.scope')
type Carrier = FastifyRequest & { [SCOPE]: RequestScope<TypedSessionData> | null }

/**
 * Commits the session now rather than in `onSend`, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (nothing is then written for the session: the client keeps its previous
 * one). Changes made after this call, and cookies set on `request.cookieJar`, are still sent.
 */
export function commitSession(request: {
  session?: CookietinSession<TypedSessionData>
}): Promise<void> {
  return commitScope(request.session)
}

function headerText(value: string | number | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value === undefined ? value : String(value)
}

function send(reply: FastifyReply, { setCookie, vary }: ScopeResult): void {
  // Fastify appends to a `set-cookie` header already set (by the route or @fastify/cookie).
  if (setCookie.length > 0) reply.header('set-cookie', setCookie)
  const varied = vary ? varyWithCookie(headerText(reply.getHeader('vary'))) : undefined
  if (varied) reply.header('vary', varied)
}

/** What core gets back in its hooks: whether the request came over HTTPS, and the request. */
type RequestOf = { secure: boolean; request: FastifyRequest }

/** Names the route in warnings by its pattern, so a warning is logged once per route. */
const routeOf = ({ request }: RequestOf) =>
  `${request.method} ${request.routeOptions.url ?? '(no route)'}`

const plugin: FastifyPluginCallback<CookietinOptions> = (fastify, options, done) => {
  let handler: SessionHandler<TypedSessionData, RequestOf>
  try {
    handler = createSessionHandler<TypedSessionData, RequestOf>(options, {
      insecureHint:
        'pass `trustProxy: true` to Fastify() so `request.protocol` follows X-Forwarded-Proto',
      routeOf,
    })
  } catch (error) {
    done(error as Error)
    return
  }

  // Declared once, before any request, so every request object has the same shape: one field for
  // the request's scope, and getters on the context's request prototype that read it. Registered
  // twice in one context, Fastify refuses the second declaration (FST_ERR_DEC_ALREADY_PRESENT).
  try {
    fastify.decorateRequest(SCOPE, null)
    fastify.decorateRequest('session', {
      getter(this: FastifyRequest) {
        return (this as Carrier)[SCOPE]?.session as CookietinSession<TypedSessionData>
      },
    })
    fastify.decorateRequest('cookieJar', {
      getter(this: FastifyRequest) {
        return (this as Carrier)[SCOPE]?.cookies as CookieJar
      },
    })
  } catch (error) {
    done(error as Error)
    return
  }

  const attach = (request: FastifyRequest, scope: RequestScope<TypedSessionData>) => {
    ;(request as Carrier)[SCOPE] = scope
  }

  const begin: onRequestHookHandler = (request, _reply, next) => {
    // `protocol` is https for TLS, or per X-Forwarded-Proto when `trustProxy` is set.
    const begun = handler.begin(request.headers.cookie, {
      secure: request.protocol === 'https',
      request,
    })
    if (isPromise(begun)) {
      begun.then((scope) => {
        attach(request, scope)
        next()
      }, next)
      return
    }
    attach(request, begun)
    next()
  }

  const finish: onSendHookHandler = (request, reply, payload, next) => {
    const scope = (request as Carrier)[SCOPE]
    if (!scope) return next(null, payload)
    const failed = (error: unknown) => {
      scope.reportNotSaved(error)
      // Fastify's error handler answers (500); the jar's cookies still go with that answer.
      send(reply, { setCookie: scope.cookies.setCookieHeaders, vary: true })
      next(error as FastifyError)
    }
    let finished: ReturnType<typeof scope.finish>
    try {
      finished = scope.finish()
    } catch (error) {
      failed(error)
      return
    }
    if (isPromise(finished)) {
      finished.then((result) => {
        send(reply, result)
        next(null, payload)
      }, failed)
      return
    }
    send(reply, finished)
    next(null, payload)
  }

  fastify.addHook('onRequest', begin)
  fastify.addHook('onSend', finish)
  done()
}

/**
 * Cookie sessions for Fastify 5: `request.session` and `request.cookieJar`. Register it where the
 * routes that use sessions live: in a child context it applies there only. Options are core's
 * `SessionOptions`, checked at registration: a bad secret stops `app.ready()` / `app.listen()`.
 *
 * @example
 * await app.register(cookietin, { secrets: process.env.SESSION_SECRET! })
 * app.get('/', async (request) => `Hello ${String(request.session.get('user') ?? 'stranger')}`)
 */
export const cookietin = fp(plugin, { fastify: '5.x', name: '@cookietin/fastify' })
