import {
  type CookieJar,
  type SessionData as AnyData,
  type RequestScope,
  type ScopeResult,
  type Session,
  type SessionHandler,
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
export type KoaSessionData = keyof SessionData extends never
  ? AnyData
  : { [K in keyof SessionData]: SessionData[K] }

declare module 'koa' {
  interface ExtendableContext {
    /** This request's session. Assign `null` to destroy it (as with koa-session), an object to replace its data. */
    get session(): Session<KoaSessionData>
    set session(value: Partial<KoaSessionData> | null)
    /** cookietin's cookie jar (signed cookies, `secure: 'auto'`); Koa's own `ctx.cookies` is left as it is. */
    readonly cookieJar: CookieJar
  }
}

interface RequestState {
  handler: SessionHandler
  scope: RequestScope
  /** The one session commit, shared by `commitSession` and the end of the request. */
  commit?: Promise<ScopeResult>
  /** Made by `commitSession`, so the route saw its outcome. */
  early?: boolean
}

const requests = new WeakMap<Session, RequestState>()

function commitOnce(state: RequestState): Promise<ScopeResult> {
  state.commit ??= state.handler.end(state.scope)
  return state.commit
}

/**
 * Commits the session now rather than after the route, so the route can catch `SessionTooLargeError`
 * and answer 413 itself (the client keeps its previous session). Later changes are committed at the end
 * of the request; after a failed commit the session is left out and only the jar's other cookies go.
 */
export async function commitSession(ctx: { session: Session<KoaSessionData> }): Promise<void> {
  const state = requests.get(ctx.session)
  if (!state) throw new TypeError('commitSession: the cookietin middleware did not run for this request')
  state.early ??= state.commit === undefined
  await commitOnce(state)
}

async function finish(state: RequestState): Promise<ScopeResult> {
  const { handler, scope } = state
  let vary = true
  try {
    vary = (await commitOnce(state)).vary
  } catch (error) {
    // The early commit's error reached the route already; any other is a server error.
    if (!state.early) throw error
    return { setCookie: scope.cookies.setCookieHeaders, vary }
  }
  // Changed again after an early commit: commit the difference into the same jar.
  if (state.early && scope.session.isModified) await handler.codec.commit(scope.session, scope.cookies)
  return { setCookie: scope.cookies.setCookieHeaders, vary }
}

function assign(session: Session, value: unknown): void {
  if (value === session) return
  if (value === null) return session.destroy()
  if (typeof value !== 'object' || value === undefined) {
    throw new TypeError('ctx.session can only be set to null (destroy) or an object (new data)')
  }
  for (const key of session.keys) session.delete(key)
  for (const [key, item] of Object.entries(value)) session.set(key, item)
}

type Headers = Record<string, string | string[] | undefined>

/** Koa's `ctx.onerror` removes every response header, then sets `err.headers`: put ours there too. */
function keepOnError(error: unknown, { setCookie, vary }: ScopeResult): void {
  if (typeof error !== 'object' || error === null) return
  const headers: Headers = { ...(error as { headers?: Headers }).headers }
  const find = (name: string) => Object.keys(headers).find((key) => key.toLowerCase() === name) ?? name
  const cookieKey = find('set-cookie')
  headers[cookieKey] = [headers[cookieKey] ?? [], setCookie].flat()
  const varyKey = find('vary')
  if (vary) headers[varyKey] = [headers[varyKey] ?? [], 'Cookie'].flat().join(', ')
  try {
    Object.assign(error, { headers })
  } catch {
    // A frozen error: Koa sends it without our headers.
  }
}

/**
 * Cookie sessions for Koa 2 and 3. Options are core's `SessionOptions` (secrets, format, cookie
 * attributes...), checked now: a bad secret throws at start-up, not at the first request.
 *
 * @example
 * app.use(cookietin({ secrets: process.env.SESSION_SECRET! }))
 * app.use((ctx) => { ctx.body = `Hello ${ctx.session.get('user') ?? 'stranger'}` })
 */
export function cookietin(options: SessionOptions<KoaSessionData>): Middleware {
  const handler = createSessionHandler(options)
  return async function cookietinSession(ctx, next) {
    const scope = await handler.begin(ctx.get('Cookie'), { secure: ctx.secure })
    const state: RequestState = { handler, scope }
    requests.set(scope.session, state)
    Object.defineProperty(ctx, 'session', {
      configurable: true,
      enumerable: true,
      get: () => scope.session,
      set: (value: unknown) => assign(scope.session, value),
    })
    Object.defineProperty(ctx, 'cookieJar', { configurable: true, enumerable: true, value: scope.cookies })
    try {
      await next()
    } catch (error) {
      const result = await finish(state).catch(() => undefined) // the route's error matters more
      if (result && (result.setCookie.length > 0 || result.vary)) {
        for (const value of result.setCookie) ctx.append('Set-Cookie', value) // for an upstream error handler
        if (result.vary) ctx.vary('Cookie')
        keepOnError(error, result)
      }
      throw error
    }
    const { setCookie, vary } = await finish(state)
    for (const value of setCookie) ctx.append('Set-Cookie', value)
    if (vary) ctx.vary('Cookie')
  }
}
