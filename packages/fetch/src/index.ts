import {
  type CookieJar,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionData,
  type SessionOptions,
  commitSession as commitScope,
  createSessionHandler,
  isPromise,
  varyWithCookie,
} from '@cookietin/core'

export { SessionTooLargeError, isCookietinError } from '@cookietin/core'
export type {
  CookieJar,
  RequestScope,
  Session,
  SessionData,
  SessionOptions,
} from '@cookietin/core'

/** What a wrapped handler gets beside the request: this request's session and cookie jar. */
export interface SessionContext<T extends object = SessionData> {
  readonly session: Session<T>
  readonly cookies: CookieJar
}

/**
 * A fetch handler that also takes the session context. Arguments the host passes after the request
 * (a Worker's `env` and `ctx`, Next.js's `{ params }`) follow the context, typed as the host gives
 * them; so does the request's own type (`NextRequest`, Bun's `BunRequest`).
 */
export type SessionFetchHandler<
  T extends object,
  Req extends Request = Request,
  Args extends unknown[] = [],
> = (request: Req, context: SessionContext<T>, ...args: Args) => Response | Promise<Response>

export interface FetchSessions<T extends object = SessionData> {
  /**
   * Wraps a handler: the result takes `(request, ...args)` as the host calls it, and its response
   * carries the session's and the jar's `Set-Cookie` (and `Vary: Cookie` when the session was
   * read).
   */
  wrap<Req extends Request = Request, Args extends unknown[] = []>(
    handler: SessionFetchHandler<T, Req, Args>,
  ): (request: Req, ...args: Args) => Promise<Response>
  /**
   * For frameworks that own the handler (middleware, hooks): this request's scope, with `session`
   * and `cookies`. Never rejects on a bad cookie: it reads as a new empty session.
   */
  read(request: Request): Promise<RequestScope<T>>
  /**
   * Commits `scope` and returns `response` with its headers added, or a copy carrying them when its
   * headers are immutable (`Response.redirect`, a `fetch()` response). Call it once per scope.
   */
  apply(scope: RequestScope<T>, response: Response): Promise<Response>
}

/**
 * Commits the session now rather than when the response is applied, so the handler can catch
 * `SessionTooLargeError` and answer 413 itself (nothing is then written for the session: the client
 * keeps its previous one). Changes made after this call, and cookies set on the jar, are still
 * sent.
 */
export function commitSession(context: { readonly session?: Session<object> }): Promise<void> {
  return commitScope(context.session)
}

function applyHeaders(headers: Headers, { setCookie, vary }: ScopeResult): void {
  for (const line of setCookie) headers.append('Set-Cookie', line)
  const varied = vary ? varyWithCookie(headers.get('Vary')) : undefined
  if (varied) headers.set('Vary', varied)
}

function withResult(response: Response, result: ScopeResult): Response {
  if (result.setCookie.length === 0 && !result.vary) return response
  try {
    applyHeaders(response.headers, result)
    return response
  } catch {
    // Immutable headers: the first append threw before anything changed. Send a copy instead.
    const copy = new Response(response.body, response)
    applyHeaders(copy.headers, result)
    return copy
  }
}

/**
 * Cookie sessions for any `(request: Request) => Response` code: Bun, Deno, Cloudflare Workers,
 * Next.js route handlers and middleware, React Router, SvelteKit, Astro. Options are core's
 * `SessionOptions`, checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * const sessions = cookietin<{ visits: number }>({ secrets: process.env.SESSION_SECRET! })
 * export default {
 *   fetch: sessions.wrap((request, { session }) => {
 *     session.set('visits', (session.get('visits') ?? 0) + 1)
 *     return new Response(`Visits: ${session.get('visits')}`)
 *   }),
 * }
 */
export function cookietin<T extends object = SessionData>(
  options: SessionOptions<T>,
): FetchSessions<T> {
  const handler = createSessionHandler<T>(options)
  // A request's URL is always serialized with a lower-case scheme: no need to parse it.
  const begin = (request: Request) =>
    handler.begin(request.headers.get('Cookie'), { secure: request.url.startsWith('https:') })
  const finish = (scope: RequestScope<T>, response: Response) => {
    const result = scope.finish()
    return isPromise(result)
      ? result.then((value) => withResult(response, value))
      : withResult(response, result)
  }
  return {
    wrap: (route) =>
      async function cookietinFetch(request, ...args) {
        const begun = begin(request)
        const scope = isPromise(begun) ? await begun : begun
        return finish(scope, await route(request, scope, ...args))
      },
    read: async (request) => begin(request),
    apply: async (scope, response) => finish(scope, response),
  }
}
