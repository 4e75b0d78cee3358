/**
 * What a route receives, checked: each `parse...` function reads a request body (or query) and
 * returns either the values the route may act on or the 400 to answer. None of them touches a
 * session or a cookie: the apps make those calls themselves, in their framework's idiom, and share
 * only this.
 */
import {
  type JarCookieOptions,
  MAX_AGE_CAP_SECONDS,
  isCookietinError,
  isValidCookieName,
} from '@cookietin/core'
import { type Preferences, renderErrorPage } from './html.ts'
import {
  type ActionResult,
  type Parsed,
  errorResult,
  htmlResult,
  isStoreUnavailable,
  parseForm,
  parseJsonObject,
  storeUnavailableResult,
} from './http.ts'

export const LANG_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/
export const THEMES: readonly string[] = ['light', 'dark']

/** Every key starting with `_` belongs to the server (`_user`, `_permanent`, `_flashes`). */
export const isReservedKey = (key: string) => key.startsWith('_')

/**
 * How deep session values may nest. Every format stores far deeper (Flask's stops at 512 levels),
 * but a limit checked before anything is written keeps a refused PATCH from touching the session.
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

/**
 * Whether a parsed JSON value holds what the session's `set` refuses: a `__proto__` key at any
 * depth, or a number JSON has no text for (`1e400` parses to Infinity). Checked before anything is
 * written, so a refused PATCH changes nothing.
 */
function hasUnstorablePart(value: unknown): boolean {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (typeof item === 'number' && !Number.isFinite(item)) return true
    if (typeof item !== 'object' || item === null) continue
    if (!Array.isArray(item) && Object.hasOwn(item, '__proto__')) return true
    for (const child of Object.values(item)) stack.push(child)
  }
  return false
}

const refuse = (result: ActionResult): { ok: false; result: ActionResult } => ({
  ok: false,
  result,
})

const reservedKey = (key: string) =>
  refuse(
    errorResult(
      400,
      'RESERVED_KEY',
      `The key ${JSON.stringify(key)} is reserved: keys starting with _ belong to the server`,
    ),
  )

/** `POST /api/login`: `{"username", "password"}`, both strings. */
export function parseLogin(body: string): Parsed<{ username: string; password: string }> {
  const parsed = parseJsonObject(body)
  if (!parsed.ok) return parsed
  const { username, password } = parsed.value
  if (typeof username !== 'string' || typeof password !== 'string')
    return refuse(errorResult(400, 'BAD_REQUEST', '`username` and `password` must be strings'))
  return { ok: true, value: { username, password } }
}

/** `POST /login` (a form): missing fields read as '' and fail the password check. */
export function parseLoginForm(body: string): { username: string; password: string } {
  const form = parseForm(body)
  return { username: form.get('username') ?? '', password: form.get('password') ?? '' }
}

/** `PATCH /api/session`: `{key: value or null}`, no reserved key, no value nested too deep. */
export function parseSessionPatch(body: string): Parsed<[key: string, value: unknown][]> {
  const parsed = parseJsonObject(body)
  if (!parsed.ok) return parsed
  const entries = Object.entries(parsed.value)
  const reserved = entries.find(([key]) => isReservedKey(key))
  if (reserved) return reservedKey(reserved[0])
  const unstorable = entries.find(([, value]) => hasUnstorablePart(value))
  if (unstorable)
    return refuse(
      errorResult(
        400,
        'BAD_REQUEST',
        `The value of ${JSON.stringify(unstorable[0])} holds a __proto__ key or a number JSON ` +
          'cannot store, which the session refuses',
      ),
    )
  const deep = entries.find(([, value]) => nestingDepth(value) > MAX_VALUE_DEPTH)
  if (deep)
    return refuse(
      errorResult(
        400,
        'BAD_REQUEST',
        `The value of ${JSON.stringify(deep[0])} nests deeper than ${MAX_VALUE_DEPTH} levels`,
      ),
    )
  return { ok: true, value: entries }
}

/** `POST /api/session/pop`: `{"key"}`, not a reserved one. */
export function parsePopKey(body: string): Parsed<string> {
  const parsed = parseJsonObject(body)
  if (!parsed.ok) return parsed
  const key = parsed.value['key']
  if (typeof key !== 'string')
    return refuse(errorResult(400, 'BAD_REQUEST', '`key` must be a string'))
  if (isReservedKey(key)) return reservedKey(key)
  return { ok: true, value: key }
}

/** `POST /api/flash`: `{"message", "category"?}`; the category defaults to Flask's `message`. */
export function parseFlash(body: string): Parsed<{ message: string; category: string }> {
  const parsed = parseJsonObject(body)
  if (!parsed.ok) return parsed
  const { message, category } = parsed.value
  if (typeof message !== 'string')
    return refuse(errorResult(400, 'BAD_REQUEST', '`message` must be a string'))
  if (category !== undefined && category !== null && typeof category !== 'string')
    return refuse(errorResult(400, 'BAD_REQUEST', '`category` must be a string'))
  return { ok: true, value: { message, category: category ?? 'message' } }
}

const invalidName = (name: string) =>
  refuse(
    errorResult(
      400,
      'INVALID_COOKIE',
      `Invalid cookie name ${JSON.stringify(name)}: names are letters, digits and !#$%&'*+-.^_\`|~`,
    ),
  )

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

export interface CookieToSet {
  value: string
  signed: boolean
  options: JarCookieOptions
  /** `secure` as the client asked for it; undefined: follow COOKIE_SECURE. */
  secure: boolean | undefined
}

/**
 * `PUT /api/cookies/:name`: `{"value", "signed"?, "maxAge"?, "httpOnly"?, "sameSite"?, "path"?,
 * "domain"?, "secure"?}`. Attribute values are checked by the jar when it serializes; this checks
 * the types and the name, and applies the contract's defaults (Path=/, not HttpOnly).
 */
export function parseCookieToSet(name: string, body: string): Parsed<CookieToSet> {
  const parsed = parseJsonObject(body)
  if (!parsed.ok) return parsed
  const fields = parsed.value
  if (typeof fields['value'] !== 'string')
    return refuse(errorResult(400, 'BAD_REQUEST', '`value` must be a string'))
  for (const [key, type] of Object.entries(PUT_COOKIE_FIELDS)) {
    const field = fields[key]
    if (field !== undefined && field !== null && typeof field !== type)
      return refuse(errorResult(400, 'BAD_REQUEST', `\`${key}\` must be a ${type}`))
  }
  // Present and of the right type, or undefined (`null` counts as absent).
  const field = <T>(key: keyof typeof PUT_COOKIE_FIELDS) =>
    (fields[key] ?? undefined) as T | undefined
  const maxAge = field<number>('maxAge')
  const sameSite = field<string>('sameSite')
  const domain = field<string>('domain')
  if (!isValidCookieName(name)) return invalidName(name)
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0))
    return refuse(
      errorResult(400, 'INVALID_COOKIE', '`maxAge` must be a whole number of seconds, 0 or more'),
    )
  const options: JarCookieOptions = {
    path: field<string>('path') ?? '/',
    httpOnly: field<boolean>('httpOnly') ?? false,
  }
  if (maxAge !== undefined) options.maxAge = Math.min(maxAge, MAX_AGE_CAP_SECONDS)
  if (sameSite !== undefined)
    options.sameSite = sameSite as NonNullable<JarCookieOptions['sameSite']>
  if (domain !== undefined) options.domain = domain
  return {
    ok: true,
    value: {
      value: fields['value'],
      signed: field<boolean>('signed') === true,
      options,
      secure: field<boolean>('secure'),
    },
  }
}

/**
 * `GET /api/cookies/:name?signed=1`: whether to verify; `1`/`true`, `0`/`false`/empty or absent.
 */
export function parseSignedQuery(query: URLSearchParams): Parsed<boolean> {
  const flag = query.get('signed')
  if (flag !== null && !['1', 'true', '0', 'false', ''].includes(flag))
    return refuse(errorResult(400, 'BAD_REQUEST', '`signed` must be 1 or 0'))
  return { ok: true, value: flag === '1' || flag === 'true' }
}

/** `DELETE /api/cookies/:name?path=&domain=`: the attributes the deleted cookie was set with. */
export function parseCookieToDelete(
  name: string,
  query: URLSearchParams,
): Parsed<{ path: string; domain?: string }> {
  if (!isValidCookieName(name)) return invalidName(name)
  const domain = query.get('domain')
  return {
    ok: true,
    value: { path: query.get('path') ?? '/', ...(domain === null ? {} : { domain }) },
  }
}

/**
 * `POST /preferences` (a form): `theme` light or dark, `lang` a short language tag, each optional.
 * A bad one is a 400 page, rendered with the visitor's `current` preferences.
 */
export function parsePreferencesForm(
  body: string,
  current: Preferences,
): Parsed<{ theme: string | undefined; lang: string | undefined }> {
  const form = parseForm(body)
  const theme = form.get('theme')?.trim().toLowerCase() || undefined
  const lang = form.get('lang')?.trim() || undefined
  const bad = (message: string) =>
    refuse(htmlResult(400, renderErrorPage('Bad preferences', message, current)))
  if (theme !== undefined && !THEMES.includes(theme)) return bad('The theme must be light or dark.')
  if (lang !== undefined && !LANG_PATTERN.test(lang))
    return bad('The language must be a short tag such as en, fr or pt-BR.')
  return { ok: true, value: { theme, lang } }
}

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

/**
 * The 400 for an error the cookie jar threw at `set`, `setSigned`, `getSigned` or `delete`;
 * rethrows any other.
 */
export function cookieErrorResult(error: unknown): ActionResult {
  if (isCookietinError(error)) {
    if (error.code === 'COOKIE_TOO_LARGE')
      return errorResult(400, 'COOKIE_TOO_LARGE', error.message)
    if (error.code === 'NO_SECRET')
      return errorResult(
        400,
        'BAD_REQUEST',
        'Signed cookies need SESSION_SECRETS of at least 32 bytes, which this server does not have',
      )
    if (INVALID_COOKIE_CODES.has(error.code))
      return errorResult(400, 'INVALID_COOKIE', error.message)
  }
  throw error
}

/**
 * Commits the session now (the adapter's `commitSession`), so a session grown past its limit is
 * answered 413 here rather than failing the response, and with `SESSION_STORE` a store that is down
 * 503. Nothing was written then, and the adapter's final commit fails the same way without raising
 * it again, so the client keeps its previous session. Resolves to null when the commit went
 * through; rethrows any other error.
 */
export async function commitOrRefuse(commit: () => Promise<void>): Promise<ActionResult | null> {
  try {
    await commit()
    return null
  } catch (error) {
    if (isStoreUnavailable(error)) return storeUnavailableResult()
    if (!isCookietinError(error) || error.code !== 'SESSION_TOO_LARGE') throw error
    return errorResult(
      413,
      'SESSION_TOO_LARGE',
      `The session would outgrow its limit, so it was left unchanged. ${error.message}`.trim(),
    )
  }
}
