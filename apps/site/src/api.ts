/**
 * The site every example app serves (docs/contract.md), minus the framework: its configuration,
 * users and the helpers a route needs besides the session and the jar (cookie security, the error
 * answer). The apps write each route themselves, with their adapter's session and cookie calls; see
 * apps/express-example/src/app.ts.
 *
 * `site.handle(site.action, request)` is the older way in: every route as a framework-free action
 * over `{ session, cookies, body, query, params, commitSession }`, the same behaviour in one place.
 * It stays for apps built on it and as the reference the site's own tests exercise.
 *
 * A refused request (any 4xx) changes nothing: each route validates everything before it writes,
 * and writes that can outgrow the session limit commit early and answer 413 when they fail.
 */
import { type CookieJar, type JarCookieOptions, type Session } from '@cookietin/core'
import type { SiteConfig } from './config.ts'
import { type HeldSession, inspectHeldSession } from './held.ts'
import {
  DEFAULT_PREFERENCES,
  type Preferences,
  type Theme,
  renderErrorPage,
  renderHomePage,
  renderLoginPage,
  renderProtectedPage,
} from './html.ts'
import {
  type ActionResult,
  BodyError,
  type HttpResponse,
  errorResponse,
  errorResult,
  htmlResult,
  isStoreUnavailable,
  noContent,
  queryOf,
  readBody,
  routeResponse,
  storeUnavailableResult,
  toHttpResponse,
} from './http.ts'
import {
  LANG_PATTERN,
  THEMES,
  commitOrRefuse,
  cookieErrorResult,
  isReservedKey,
  parseCookieToDelete,
  parseCookieToSet,
  parseFlash,
  parseLogin,
  parseLoginForm,
  parsePopKey,
  parsePreferencesForm,
  parseSessionPatch,
  parseSignedQuery,
} from './requests.ts'
import { revokeUserSessions, storeFor } from './store.ts'
import { type UserStore, createUserStore } from './users.ts'

/** What an action sees of a request. */
export interface ActionInput {
  session: Session
  cookies: CookieJar
  /** The request body as text ('' when there is none). */
  body: string
  query: URLSearchParams
  /**
   * Route parameters, already percent-decoded by the framework (`name` of `/api/cookies/:name`).
   */
  params: Readonly<Record<string, string | undefined>>
  /**
   * Commits the session now through the adapter's early-commit helper, so a `SessionTooLargeError`
   * reaches the action (which answers 413) instead of failing the response.
   */
  commitSession: () => Promise<void>
}

export type Action = (input: ActionInput) => Promise<ActionResult>

/** What an app hands `site.handle` for one request. */
export interface RequestInput {
  session: Session
  cookies: CookieJar
  /** The unread body: a Node request, a web `ReadableStream`, a string, or null. */
  body: AsyncIterable<Uint8Array | string> | string | null | undefined
  /** The request target as received (`/api/cookies/x?signed=1`); only its query is used. */
  url: string
  params?: Readonly<Record<string, string | undefined>>
  commitSession: () => Promise<void>
}

/** The session key holding the logged-in username. Every key starting with `_` is reserved. */
export const USER_KEY = '_user'
/** Preference cookies live a year. */
export const PREFERENCE_MAX_AGE = 365 * 24 * 60 * 60

/**
 * The data a client wrote: every key not starting with `_` (so not `_user`, `_permanent` or
 * `_flashes`).
 */
export function visibleData(session: Session): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(session.data)) {
    if (!isReservedKey(key)) data[key] = value
  }
  return data
}

/** The username a `_user` value holds, or null (not logged in). */
export const asUser = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null

/** The logged-in username, or null. */
export const currentUser = (session: Session): string | null => asUser(session.get(USER_KEY))

/**
 * `theme` and `lang` from their cookies; a value the site would not have set reads as the default.
 */
export function readPreferences(cookies: CookieJar): Preferences {
  const theme = cookies.get('theme')
  const lang = cookies.get('lang')
  return {
    theme:
      theme !== undefined && THEMES.includes(theme) ? (theme as Theme) : DEFAULT_PREFERENCES.theme,
    lang: lang !== undefined && LANG_PATTERN.test(lang) ? lang : DEFAULT_PREFERENCES.lang,
  }
}

export interface SiteOptions {
  /** @default the demo users, hashed now */
  users?: UserStore
  /** Where unexpected errors are reported. @default console.error */
  logError?: (error: unknown) => void
}

export interface Site {
  readonly config: SiteConfig
  readonly users: UserStore
  /**
   * `{ secure: true }` when a cookie the site sets must be Secure: COOKIE_SECURE, with `auto`
   * following the request's scheme; `requested` (the cookies API's `secure`) wins. Left out rather
   * than false, so SameSite=None and __Secure-/__Host- names can still force it.
   */
  secure(cookies: CookieJar, requested?: boolean): { secure?: boolean }
  /** The attributes of the `theme` and `lang` cookies: a year, Path=/, SameSite=Lax. */
  preferenceCookie(cookies: CookieJar): JarCookieOptions
  /**
   * After `session.destroy()`: deletes the session cookie when the request carried none, so every
   * logout answers with a deleting Set-Cookie (destroy alone deletes only the cookies it read).
   */
  expireSessionCookie(cookies: CookieJar): void
  /**
   * The answer to an error a route threw: the body's own 413/400 for an unreadable body, 503
   * `STORE_UNAVAILABLE` when the session store failed, else 500 `INTERNAL_ERROR` (reported to
   * `logError`), never a detail of the error.
   */
  failure(error: unknown): HttpResponse
  /**
   * `POST /api/logout-everywhere` before the route destroys the session: revokes every session of
   * `user` in the store. Null when done, else the answer: 401 without a login, 501
   * `STORE_REQUIRED` without `SESSION_STORE`. Throws `STORE_UNAVAILABLE` when the store fails.
   */
  revokeEverywhere(user: string | null): Promise<ActionResult | null>
  /** The session cookies a request carried, opened with the site's secrets, for the home page. */
  inspectHeld(cookies: Readonly<Record<string, string>>): Promise<HeldSession | null>
  /** Reads the request's body, runs the action and returns the response to send. Never throws. */
  handle(action: Action, request: RequestInput): Promise<HttpResponse>
  // HTML pages
  home: Action
  loginPage: Action
  login: Action
  logout: Action
  protectedPage: Action
  preferences: Action
  // JSON API
  listCookies: Action
  putCookie: Action
  getCookie: Action
  deleteCookie: Action
  getSession: Action
  patchSession: Action
  popSession: Action
  regenerateSession: Action
  deleteSession: Action
  postFlash: Action
  getFlashes: Action
  apiLogin: Action
  apiMe: Action
  apiLogout: Action
  /** `POST /api/logout-everywhere`: revokes every session of the logged-in user (needs a store). */
  apiLogoutEverywhere: Action
}

/** `POST /login` with a wrong or missing username or password: 401 and the form again. */
export function loginFailed(
  username: string,
  preferences: Preferences,
  user: string | null,
): ActionResult {
  const error = username === '' ? 'Enter a username and a password.' : 'Wrong username or password.'
  return htmlResult(401, renderLoginPage({ error, username, preferences, user }))
}

/** `POST /login` refused by the commit (`refused`: 413 too large, or 503 the store is down). */
export function loginTooLarge(refused: ActionResult, preferences: Preferences): ActionResult {
  const reason =
    refused.status === 503
      ? 'The session store is unavailable; try again shortly.'
      : 'Your session is too large to log in; log out first.'
  return htmlResult(refused.status, renderErrorPage('Login failed', reason, preferences))
}

/** The shared site: its helpers and actions, bound to one configuration and one user store. */
export function createSite(config: SiteConfig, options: SiteOptions = {}): Site {
  const users = options.users ?? createUserStore()
  const logError = options.logError ?? ((error: unknown) => console.error(error))

  function secure(cookies: CookieJar, requested?: boolean): { secure?: boolean } {
    const value = requested ?? (config.secure === 'auto' ? cookies.isSecureRequest : config.secure)
    return value ? { secure: true } : requested === false ? { secure: false } : {}
  }

  function expireSessionCookie(cookies: CookieJar): void {
    const chunk = `${config.cookieName}.`
    const present = Object.keys(cookies.all()).some(
      (name) =>
        name === config.cookieName ||
        (name.startsWith(chunk) && /^\d{1,3}$/.test(name.slice(chunk.length))),
    )
    if (!present) cookies.delete(config.cookieName, { path: '/', ...secure(cookies) })
  }

  function failure(error: unknown): HttpResponse {
    if (error instanceof BodyError) return errorResponse(error.status, 'BAD_REQUEST', error.message)
    // The store is down (SESSION_STORE): an outage its client reports, answered 503 here.
    if (isStoreUnavailable(error)) return toHttpResponse(storeUnavailableResult())
    logError(error)
    return errorResponse(500, 'INTERNAL_ERROR', 'Internal server error')
  }

  async function revokeEverywhere(user: string | null): Promise<ActionResult | null> {
    if (!user) return errorResult(401, 'UNAUTHORIZED', 'Not logged in')
    const store = await storeFor(config)
    if (!store) {
      return errorResult(
        501,
        'STORE_REQUIRED',
        'Logging out everywhere needs server-side sessions: set SESSION_STORE',
      )
    }
    await revokeUserSessions(store, user)
    return null
  }

  function destroySession({ session, cookies }: ActionInput): void {
    session.destroy()
    expireSessionCookie(cookies)
  }

  const site: Site = {
    config,
    users,
    secure,
    preferenceCookie: (cookies) => ({
      maxAge: PREFERENCE_MAX_AGE,
      path: '/',
      sameSite: 'Lax',
      ...secure(cookies),
    }),
    expireSessionCookie,
    failure,
    revokeEverywhere,
    inspectHeld: (cookies) => inspectHeldSession(cookies, config),

    async handle(action, request) {
      try {
        const body = await readBody(request.body)
        const result = await action({
          session: request.session,
          cookies: request.cookies,
          body,
          query: queryOf(request.url),
          params: request.params ?? {},
          commitSession: request.commitSession,
        })
        // With a store, a commit that fails must be answered (503) now, before the answer goes out.
        const refused =
          config.store !== undefined && result.status < 400
            ? await commitOrRefuse(request.commitSession)
            : null
        return routeResponse(refused ?? result)
      } catch (error) {
        // Every route reads the session or the cookies.
        const response = failure(error)
        response.headers['Vary'] = 'Cookie'
        return response
      }
    },

    // ---- HTML pages ----

    async home({ session, cookies }) {
      return htmlResult(
        200,
        renderHomePage({
          user: currentUser(session),
          preferences: readPreferences(cookies),
          flashes: session.consumeFlashes(),
          held: await inspectHeldSession(cookies.all(), config),
        }),
      )
    },

    async loginPage({ session, cookies }) {
      return htmlResult(
        200,
        renderLoginPage({ preferences: readPreferences(cookies), user: currentUser(session) }),
      )
    },

    async login(input) {
      const { session, cookies } = input
      const { username, password } = parseLoginForm(input.body)
      const user = await users.verify(username, password)
      const preferences = readPreferences(cookies)
      if (user === null) return loginFailed(username, preferences, currentUser(session))
      session.regenerate()
      session.set(USER_KEY, user)
      session.flash(`You are logged in as ${user}.`)
      const refused = await commitOrRefuse(input.commitSession)
      if (refused) return loginTooLarge(refused, preferences)
      return { status: 303, redirect: '/' }
    },

    async logout(input) {
      destroySession(input)
      return { status: 303, redirect: '/' }
    },

    async protectedPage({ session, cookies }) {
      const user = currentUser(session)
      return htmlResult(user ? 200 : 401, renderProtectedPage(user, readPreferences(cookies)))
    },

    async preferences({ cookies, body }) {
      const form = parsePreferencesForm(body, readPreferences(cookies))
      if (!form.ok) return form.result
      const { theme, lang } = form.value
      const options = site.preferenceCookie(cookies)
      if (theme !== undefined) cookies.set('theme', theme, options)
      if (lang !== undefined) cookies.set('lang', lang, options)
      return { status: 303, redirect: '/' }
    },

    // ---- JSON API: cookies ----

    async listCookies({ cookies }) {
      return { status: 200, json: { cookies: { ...cookies.all() } } }
    },

    async putCookie({ cookies, params, body }) {
      const name = params['name'] ?? ''
      const parsed = parseCookieToSet(name, body)
      if (!parsed.ok) return parsed.result
      const { value, signed, options } = parsed.value
      const attributes = { ...options, ...secure(cookies, parsed.value.secure) }
      try {
        // Both serialize before they store anything: a refused cookie leaves the jar as it was.
        if (signed) await cookies.setSigned(name, value, attributes)
        else cookies.set(name, value, attributes)
      } catch (error) {
        return cookieErrorResult(error)
      }
      return noContent()
    },

    async getCookie({ cookies, params, query }) {
      const name = params['name'] ?? ''
      const signed = parseSignedQuery(query)
      if (!signed.ok) return signed.result
      let value: string | undefined
      try {
        value = signed.value ? await cookies.getSigned(name) : cookies.get(name)
      } catch (error) {
        return cookieErrorResult(error)
      }
      return { status: 200, json: { value: value ?? null, valid: value !== undefined } }
    },

    async deleteCookie({ cookies, params, query }) {
      const name = params['name'] ?? ''
      const parsed = parseCookieToDelete(name, query)
      if (!parsed.ok) return parsed.result
      try {
        cookies.delete(name, { ...parsed.value, ...secure(cookies) })
      } catch (error) {
        return cookieErrorResult(error)
      }
      return noContent()
    },

    // ---- JSON API: session ----

    async getSession({ session }) {
      return { status: 200, json: { data: visibleData(session), isNew: session.isNew } }
    },

    async patchSession(input) {
      const parsed = parseSessionPatch(input.body)
      if (!parsed.ok) return parsed.result
      for (const [key, value] of parsed.value) {
        if (value === null) input.session.delete(key)
        else input.session.set(key, value)
      }
      const refused = await commitOrRefuse(input.commitSession)
      return refused ?? { status: 200, json: { data: visibleData(input.session) } }
    },

    async popSession({ session, body }) {
      const key = parsePopKey(body)
      if (!key.ok) return key.result
      return { status: 200, json: { value: session.pop(key.value) ?? null } }
    },

    async regenerateSession({ session }) {
      session.regenerate()
      return noContent()
    },

    async deleteSession(input) {
      destroySession(input)
      return noContent()
    },

    // ---- JSON API: flash ----

    async postFlash(input) {
      const flash = parseFlash(input.body)
      if (!flash.ok) return flash.result
      input.session.flash(flash.value.message, flash.value.category)
      const refused = await commitOrRefuse(input.commitSession)
      return refused ?? noContent()
    },

    async getFlashes({ session }) {
      const messages = session
        .consumeFlashes()
        .map(({ category, message }) => ({ category, message }))
      return { status: 200, json: { messages } }
    },

    // ---- JSON API: login ----

    async apiLogin(input) {
      const login = parseLogin(input.body)
      if (!login.ok) return login.result
      const user = await users.verify(login.value.username, login.value.password)
      if (user === null) return errorResult(401, 'UNAUTHORIZED', 'Wrong username or password')
      input.session.regenerate()
      input.session.set(USER_KEY, user)
      const refused = await commitOrRefuse(input.commitSession)
      return refused ?? { status: 200, json: { user } }
    },

    async apiMe({ session }) {
      const user = currentUser(session)
      return user
        ? { status: 200, json: { user } }
        : errorResult(401, 'UNAUTHORIZED', 'Not logged in')
    },

    async apiLogout(input) {
      destroySession(input)
      return noContent()
    },

    async apiLogoutEverywhere(input) {
      const refused = await revokeEverywhere(currentUser(input.session))
      if (refused) return refused
      destroySession(input)
      return noContent()
    },
  }
  return site
}
