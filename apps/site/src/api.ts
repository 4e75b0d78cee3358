/**
 * Every route of the contract (DESIGN §5) as a framework-free action over `{ session, cookies, body,
 * query, params, commitSession }`. The apps only route requests here and write out the answer, so the
 * three behave identically.
 *
 * A refused request (any 4xx) changes nothing: each action validates everything before it writes, and
 * writes that can outgrow the session limit commit early and roll the session back when they fail.
 */
import {
  type CookieJar,
  type JarCookieOptions,
  MAX_AGE_CAP_SECONDS,
  type Session,
  isCookietinError,
  isValidCookieName,
} from '@cookietin/core'
import type { SiteConfig } from './config.ts'
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
  errorResult,
  htmlResult,
  isStoreUnavailable,
  noContent,
  parseForm,
  parseJsonObject,
  queryOf,
  readBody,
  storeUnavailableResult,
  toHttpResponse,
} from './http.ts'
import { storeFor } from './store.ts'
import { type UserStore, createUserStore } from './users.ts'

/** What an action sees of a request. */
export interface ActionInput {
  session: Session
  cookies: CookieJar
  /** The request body as text ('' when there is none). */
  body: string
  query: URLSearchParams
  /** Route parameters, already percent-decoded by the framework (`name` of `/api/cookies/:name`). */
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
const LANG_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/
const THEMES: readonly string[] = ['light', 'dark']
/** The fields `PUT /api/cookies/:name` accepts besides `value`, and their JSON types. */
const PUT_COOKIE_FIELDS = {
  signed: 'boolean',
  maxAge: 'number',
  httpOnly: 'boolean',
  sameSite: 'string',
  path: 'string',
  domain: 'string',
  secure: 'boolean',
} as const
/** CookieError codes that mean a bad name, value or attribute: 400 INVALID_COOKIE. */
const INVALID_COOKIE_CODES: ReadonlySet<string> = new Set([
  'INVALID_COOKIE_NAME',
  'INVALID_COOKIE_VALUE',
  'INVALID_DOMAIN',
  'INVALID_PATH',
  'INVALID_MAX_AGE',
  'INVALID_EXPIRES',
  'INVALID_SAME_SITE',
  'INVALID_PRIORITY',
  'INVALID_PREFIX',
])

export const isReservedKey = (key: string) => key.startsWith('_')

/**
 * How deep session values may nest. Every format stores far deeper (Flask's stops at 512 levels), but a
 * limit checked before anything is written keeps a refused PATCH from touching the session.
 */
export const MAX_VALUE_DEPTH = 100

/** Nesting depth of a JSON value (a scalar is 0, `[]` is 1), without recursion. */
export function nestingDepth(value: unknown): number {
  let max = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item !== 'object' || item === null) continue
    if (depth + 1 > max) max = depth + 1
    if (max > MAX_VALUE_DEPTH) return max
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return max
}

/** The data a client wrote: every key not starting with `_` (so not `_user`, `_permanent` or `_flashes`). */
export function visibleData(session: Session): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(session.data)) {
    if (!isReservedKey(key)) data[key] = value
  }
  return data
}

/** The logged-in username, or null. */
export function currentUser(session: Session): string | null {
  const user = session.get(USER_KEY)
  return typeof user === 'string' && user !== '' ? user : null
}

/** `theme` and `lang` from their cookies; a value the site would not have set reads as the default. */
export function readPreferences(cookies: CookieJar): Preferences {
  const theme = cookies.get('theme')
  const lang = cookies.get('lang')
  return {
    theme:
      theme !== undefined && THEMES.includes(theme) ? (theme as Theme) : DEFAULT_PREFERENCES.theme,
    lang: lang !== undefined && LANG_PATTERN.test(lang) ? lang : DEFAULT_PREFERENCES.lang,
  }
}

interface SessionSnapshot {
  data: [string, unknown][]
  flashes: { category: string; message: string }[]
}

function snapshot(session: Session): SessionSnapshot {
  return {
    data: Object.entries(session.data),
    flashes: session.peekFlashes().map((flash) => ({ ...flash })),
  }
}

/** Puts back data and flashes as they were, in the same order, so the session serializes as before. */
function restore(session: Session, saved: SessionSnapshot): void {
  for (const key of session.keys) session.delete(key)
  for (const [key, value] of saved.data) session.set(key, value)
  session.consumeFlashes()
  for (const flash of saved.flashes) session.flash(flash.message, flash.category)
}

const isSessionTooLarge = (error: unknown) =>
  isCookietinError(error) && error.code === 'SESSION_TOO_LARGE'

export interface SiteOptions {
  /** @default the demo users, hashed now */
  users?: UserStore
  /** Where unexpected errors are reported. @default console.error */
  logError?: (error: unknown) => void
}

export interface Site {
  readonly config: SiteConfig
  readonly users: UserStore
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

/** The shared site: its actions, bound to one configuration and one user store. */
export function createSite(config: SiteConfig, options: SiteOptions = {}): Site {
  const users = options.users ?? createUserStore()
  const logError = options.logError ?? ((error: unknown) => console.error(error))
  const store = storeFor(config)

  /** Secure for cookies the site sets: COOKIE_SECURE, with `auto` following the request's scheme. */
  function secureFor(cookies: CookieJar, requested?: boolean): { secure?: boolean } {
    const secure = requested ?? (config.secure === 'auto' ? cookies.isSecureRequest : config.secure)
    // Left out rather than false, so SameSite=None and __Secure-/__Host- names can still force it.
    return secure ? { secure: true } : requested === false ? { secure: false } : {}
  }

  /**
   * Applies `change`, then commits the session early through the adapter, so that a failure is answered
   * here rather than failing the response:
   * - too large: 413. Nothing was written, and the adapter's final commit fails the same way without
   *   raising it again (core remembers the error was reported), so the client keeps its previous session.
   * - data the format cannot store (the values were checked first, so this should not happen): the
   *   session is put back as it was and the answer is 400.
   */
  async function changeSession(
    input: ActionInput,
    change: () => void,
  ): Promise<ActionResult | null> {
    const saved = snapshot(input.session)
    change()
    try {
      await input.commitSession()
      return null
    } catch (error) {
      if (isSessionTooLarge(error)) {
        const detail = error instanceof Error ? error.message : ''
        return errorResult(
          413,
          'SESSION_TOO_LARGE',
          `The session would outgrow its cookies, so it was left unchanged. ${detail}`.trim(),
        )
      }
      restore(input.session, saved)
      if (isCookietinError(error)) throw error
      return errorResult(
        400,
        'BAD_REQUEST',
        `The session cannot store this data: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }

  /** Destroys the session; deletes the cookie even when the request carried none, so logout always clears it. */
  function destroySession({ session, cookies }: ActionInput): void {
    const chunk = `${config.cookieName}.`
    const present = Object.keys(cookies.all()).some(
      (name) =>
        name === config.cookieName ||
        (name.startsWith(chunk) && /^\d{1,3}$/.test(name.slice(chunk.length))),
    )
    session.destroy()
    if (!present) cookies.delete(config.cookieName, { path: '/', ...secureFor(cookies) })
  }

  function cookieErrorResult(error: unknown): ActionResult {
    if (isCookietinError(error)) {
      if (error.code === 'COOKIE_TOO_LARGE')
        return errorResult(400, 'COOKIE_TOO_LARGE', error.message)
      if (error.code === 'NO_SECRET') {
        return errorResult(
          400,
          'BAD_REQUEST',
          'Signed cookies need SESSION_SECRETS of at least 32 bytes, which this server does not have',
        )
      }
      if (INVALID_COOKIE_CODES.has(error.code))
        return errorResult(400, 'INVALID_COOKIE', error.message)
    }
    throw error
  }

  const invalidName = (name: string) =>
    errorResult(
      400,
      'INVALID_COOKIE',
      `Invalid cookie name ${JSON.stringify(name)}: names are letters, digits and !#$%&'*+-.^_\`|~`,
    )

  const site: Site = {
    config,
    users,

    async handle(action, request) {
      let body: string
      try {
        body = await readBody(request.body)
      } catch (error) {
        const status = error instanceof BodyError ? error.status : 400
        return toHttpResponse(
          errorResult(
            status,
            'BAD_REQUEST',
            error instanceof Error ? error.message : 'Unreadable body',
          ),
        )
      }
      let result: ActionResult
      try {
        result = await action({
          session: request.session,
          cookies: request.cookies,
          body,
          query: queryOf(request.url),
          params: request.params ?? {},
          commitSession: request.commitSession,
        })
        // A store write that fails must be answered (503) now, not after the answer went out.
        if (store && result.status < 400) await request.commitSession()
      } catch (error) {
        if (isStoreUnavailable(error)) result = storeUnavailableResult()
        else {
          logError(error)
          result = errorResult(500, 'INTERNAL_ERROR', 'Internal server error')
        }
      }
      const response = toHttpResponse(result)
      // Every route reads the session or the cookies.
      response.headers['Vary'] = 'Cookie'
      return response
    },

    // ---- HTML pages ----

    async home({ session, cookies }) {
      return htmlResult(
        200,
        renderHomePage({
          user: currentUser(session),
          preferences: readPreferences(cookies),
          flashes: session.consumeFlashes(),
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
      const form = parseForm(input.body)
      const username = form.get('username') ?? ''
      const user = await users.verify(username, form.get('password') ?? '')
      const preferences = readPreferences(cookies)
      if (user === null) {
        const error =
          username === '' ? 'Enter a username and a password.' : 'Wrong username or password.'
        return htmlResult(
          401,
          renderLoginPage({ error, username, preferences, user: currentUser(session) }),
        )
      }
      const refused = await changeSession(input, () => {
        session.regenerate()
        session.set(USER_KEY, user)
        session.flash(`You are logged in as ${user}.`)
      })
      if (refused)
        return htmlResult(
          refused.status,
          renderErrorPage(
            'Login failed',
            'Your session is too large to log in; log out first.',
            preferences,
          ),
        )
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
      const form = parseForm(body)
      const theme = form.get('theme')?.trim().toLowerCase() || undefined
      const lang = form.get('lang')?.trim() || undefined
      const current = readPreferences(cookies)
      if (theme !== undefined && !THEMES.includes(theme)) {
        return htmlResult(
          400,
          renderErrorPage('Bad preferences', 'The theme must be light or dark.', current),
        )
      }
      if (lang !== undefined && !LANG_PATTERN.test(lang)) {
        return htmlResult(
          400,
          renderErrorPage(
            'Bad preferences',
            'The language must be a short tag such as en, fr or pt-BR.',
            current,
          ),
        )
      }
      const options: JarCookieOptions = {
        maxAge: PREFERENCE_MAX_AGE,
        path: '/',
        sameSite: 'Lax',
        ...secureFor(cookies),
      }
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
      const parsed = parseJsonObject(body)
      if (!parsed.ok) return parsed.result
      const fields = parsed.value
      if (typeof fields['value'] !== 'string')
        return errorResult(400, 'BAD_REQUEST', '`value` must be a string')
      const value = fields['value']
      for (const [key, type] of Object.entries(PUT_COOKIE_FIELDS)) {
        const field = fields[key]
        if (field !== undefined && field !== null && typeof field !== type) {
          return errorResult(400, 'BAD_REQUEST', `\`${key}\` must be a ${type}`)
        }
      }
      // Present and of the right type, or undefined (`null` counts as absent).
      const field = <T>(key: keyof typeof PUT_COOKIE_FIELDS) =>
        (fields[key] ?? undefined) as T | undefined
      const maxAge = field<number>('maxAge')
      const sameSite = field<string>('sameSite')
      const domain = field<string>('domain')

      if (!isValidCookieName(name)) return invalidName(name)
      if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) {
        return errorResult(
          400,
          'INVALID_COOKIE',
          '`maxAge` must be a whole number of seconds, 0 or more',
        )
      }
      const options: JarCookieOptions = {
        path: field<string>('path') ?? '/',
        httpOnly: field<boolean>('httpOnly') ?? false,
        ...secureFor(cookies, field<boolean>('secure')),
      }
      if (maxAge !== undefined) options.maxAge = Math.min(maxAge, MAX_AGE_CAP_SECONDS)
      if (sameSite !== undefined)
        options.sameSite = sameSite as NonNullable<JarCookieOptions['sameSite']>
      if (domain !== undefined) options.domain = domain
      try {
        // Both serialize before they store anything: a refused cookie leaves the jar as it was.
        if (field<boolean>('signed') === true) await cookies.setSigned(name, value, options)
        else cookies.set(name, value, options)
      } catch (error) {
        return cookieErrorResult(error)
      }
      return noContent()
    },

    async getCookie({ cookies, params, query }) {
      const name = params['name'] ?? ''
      const flag = query.get('signed')
      if (flag !== null && !['1', 'true', '0', 'false', ''].includes(flag)) {
        return errorResult(400, 'BAD_REQUEST', '`signed` must be 1 or 0')
      }
      if (flag === '1' || flag === 'true') {
        let value: string | undefined
        try {
          value = await cookies.getSigned(name)
        } catch (error) {
          return cookieErrorResult(error)
        }
        return { status: 200, json: { value: value ?? null, valid: value !== undefined } }
      }
      const value = cookies.get(name)
      return { status: 200, json: { value: value ?? null, valid: value !== undefined } }
    },

    async deleteCookie({ cookies, params, query }) {
      const name = params['name'] ?? ''
      if (!isValidCookieName(name)) return invalidName(name)
      const domain = query.get('domain')
      try {
        cookies.delete(name, {
          path: query.get('path') ?? '/',
          ...(domain === null ? {} : { domain }),
          ...secureFor(cookies),
        })
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
      const parsed = parseJsonObject(input.body)
      if (!parsed.ok) return parsed.result
      const entries = Object.entries(parsed.value)
      const reserved = entries.find(([key]) => isReservedKey(key))
      if (reserved)
        return errorResult(
          400,
          'RESERVED_KEY',
          `The key ${JSON.stringify(reserved[0])} is reserved: keys starting with _ belong to the server`,
        )
      const deep = entries.find(([, value]) => nestingDepth(value) > MAX_VALUE_DEPTH)
      if (deep)
        return errorResult(
          400,
          'BAD_REQUEST',
          `The value of ${JSON.stringify(deep[0])} nests deeper than ${MAX_VALUE_DEPTH} levels`,
        )
      const refused = await changeSession(input, () => {
        for (const [key, value] of entries) {
          if (value === null) input.session.delete(key)
          else input.session.set(key, value)
        }
      })
      return refused ?? { status: 200, json: { data: visibleData(input.session) } }
    },

    async popSession({ session, body }) {
      const parsed = parseJsonObject(body)
      if (!parsed.ok) return parsed.result
      const key = parsed.value['key']
      if (typeof key !== 'string') return errorResult(400, 'BAD_REQUEST', '`key` must be a string')
      if (isReservedKey(key))
        return errorResult(
          400,
          'RESERVED_KEY',
          `The key ${JSON.stringify(key)} is reserved: keys starting with _ belong to the server`,
        )
      return { status: 200, json: { value: session.pop(key) ?? null } }
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
      const parsed = parseJsonObject(input.body)
      if (!parsed.ok) return parsed.result
      const { message, category } = parsed.value
      if (typeof message !== 'string')
        return errorResult(400, 'BAD_REQUEST', '`message` must be a string')
      if (category !== undefined && category !== null && typeof category !== 'string') {
        return errorResult(400, 'BAD_REQUEST', '`category` must be a string')
      }
      const refused = await changeSession(input, () =>
        input.session.flash(message, category ?? 'message'),
      )
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
      const parsed = parseJsonObject(input.body)
      if (!parsed.ok) return parsed.result
      const { username, password } = parsed.value
      if (typeof username !== 'string' || typeof password !== 'string') {
        return errorResult(400, 'BAD_REQUEST', '`username` and `password` must be strings')
      }
      const user = await users.verify(username, password)
      if (user === null) return errorResult(401, 'UNAUTHORIZED', 'Wrong username or password')
      const refused = await changeSession(input, () => {
        input.session.regenerate()
        input.session.set(USER_KEY, user)
      })
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
      const user = currentUser(input.session)
      if (!user) return errorResult(401, 'UNAUTHORIZED', 'Not logged in')
      if (!store) {
        return errorResult(
          501,
          'STORE_REQUIRED',
          'Logging out everywhere needs server-side sessions: set SESSION_STORE',
        )
      }
      await store.revokeSessions(user)
      destroySession(input)
      return noContent()
    },
  }
  return site
}
