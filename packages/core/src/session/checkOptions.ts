/**
 * Start-up checks of what TypeScript checks at compile time, for JavaScript callers and `as`
 * casts: unknown or misspelled names, options from other session libraries, wrong types, and
 * milliseconds where seconds are meant. Each mistake is a `ConfigError` naming the option.
 */
import { MAX_AGE_CAP_SECONDS } from '../cookie/serialize.ts'
import { checkOptionNames, closestName } from '../didYouMean.ts'
import { ConfigError } from '../errors.ts'

const SESSION_OPTIONS = [
  'secrets',
  'format',
  'cookieName',
  'maxAge',
  'permanent',
  'rolling',
  'cookie',
  'maxChunks',
  'maxSize',
  'compress',
  'schema',
  'migrateFrom',
  'store',
  'userKey',
  'revocations',
  'storeTimeout',
  'onInvalid',
  'warn',
  'backend',
  'random',
  'now',
] as const

const COOKIE_OPTIONS = [
  'domain',
  'path',
  'httpOnly',
  'sameSite',
  'partitioned',
  'priority',
  'secure',
] as const

/**
 * Options of express-session, cookie-session and koa-session, and cookie attributes given at the
 * top level: what to write instead.
 */
const ADVICE: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    COOKIE_OPTIONS.map((key) => [key, `cookie attributes go in \`cookie: { ${key} }\``]),
  ),
  secret: 'use `secrets` (one secret or an array of them, newest first)',
  keys: 'use `secrets` (one secret or an array of them, newest first)',
  name: 'use `cookieName`',
  key: 'use `cookieName`',
  resave: 'cookietin writes the cookie only when the session changed: remove it',
  saveUninitialized: 'cookietin never writes an empty new session: remove it',
  signed: "use `format: 'signed'`, or keep the default `format: 'sealed'`, which also encrypts",
  encrypt: "`format: 'sealed'` (the default) encrypts",
  renew: 'use `rolling: true`',
  expires: 'the lifetime is `maxAge`, in seconds',
}

const LIFETIME =
  "the session's lifetime is the session option `maxAge`, in seconds (it also sets the cookie's " +
  'Max-Age for permanent sessions, see `permanent`): move it there'

const DAY = 86_400

function invalid(message: string): ConfigError {
  return new ConfigError('INVALID_OPTION', message)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`
}

function expectType(
  options: Record<string, unknown>,
  prefix: string,
  key: string,
  type: 'boolean' | 'function' | 'object',
): void {
  const value = options[key]
  if (value === undefined) return
  const ok =
    type === 'object'
      ? typeof value === 'object' && value !== null && !Array.isArray(value)
      : typeof value === type
  if (!ok) {
    const expected =
      type === 'boolean' ? 'true or false' : type === 'object' ? 'an object' : 'a function'
    throw invalid(`Option \`${prefix}${key}\` must be ${expected}; got ${describe(value)}`)
  }
}

/**
 * The cookie attributes: known names, no lifetime (that is the session's `maxAge`), right types.
 */
function checkCookieOptions(cookie: Record<string, unknown>): void {
  for (const key of Object.keys(cookie)) {
    if (closestName(key, ['maxAge', 'expires']) !== undefined) {
      throw invalid(`Option \`cookie.${key}\` is not a cookie attribute you set here: ${LIFETIME}`)
    }
  }
  checkOptionNames('Option `cookie`', cookie, COOKIE_OPTIONS)
  expectType(cookie, 'cookie.', 'httpOnly', 'boolean')
  expectType(cookie, 'cookie.', 'partitioned', 'boolean')
}

/**
 * `secrets` absent, `undefined` or holding `undefined`: almost always an unset environment
 * variable.
 */
function checkSecretsPresent(options: Record<string, unknown>): void {
  const generate =
    'Pass one or more secrets of at least 32 bytes, newest first (kept in an environment ' +
    'variable such as SESSION_SECRET); generate one with `openssl rand -base64 32`.'
  const secrets = options['secrets']
  if (secrets === undefined || secrets === null) {
    const foreign = ['secret', 'keys'].find((name) => Object.hasOwn(options, name))
    const why = Object.hasOwn(options, 'secrets')
      ? `is ${String(secrets)} (an environment variable that is not set?)`
      : foreign === undefined
        ? 'is missing'
        : `is missing (\`${foreign}\` is another session library's name for it: rename it \`secrets\`)`
    throw new ConfigError('NO_SECRET', `Option \`secrets\` ${why}. ${generate}`)
  }
  if (!Array.isArray(secrets)) return
  if (secrets.length === 0) {
    throw new ConfigError('NO_SECRET', `Option \`secrets\` is an empty array. ${generate}`)
  }
  secrets.forEach((secret: unknown, index) => {
    if (secret === undefined || secret === null || secret === '') {
      const what =
        secret === '' ? 'empty' : `${String(secret)} (an environment variable that is not set?)`
      throw new ConfigError('NO_SECRET', `Option \`secrets[${index}]\` is ${what}. ${generate}`)
    }
  })
}

/**
 * `maxAge` in seconds, at most the 400 days browsers keep a cookie; milliseconds are caught here.
 */
function checkMaxAge(maxAge: unknown): void {
  if (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge <= 0) {
    throw invalid(
      `Option \`maxAge\` must be a positive whole number of seconds; got ${describe(maxAge)}`,
    )
  }
  if (maxAge <= MAX_AGE_CAP_SECONDS) return
  const seconds = maxAge / 1000
  const meant =
    Number.isInteger(seconds) && seconds <= MAX_AGE_CAP_SECONDS
      ? ` If you meant ${maxAge} milliseconds, write \`maxAge: ${seconds}\`${
          seconds % DAY === 0 ? ` (${seconds / DAY} days)` : ''
        }.`
      : ''
  throw invalid(
    `Option \`maxAge\` is ${maxAge} seconds (${Math.round(maxAge / DAY)} days), over the ` +
      `400 days (${MAX_AGE_CAP_SECONDS} seconds) browsers keep a cookie. \`maxAge\` is in ` +
      `seconds, not milliseconds.${meant}`,
  )
}

/**
 * Throws `ConfigError` for any option TypeScript would have refused, or that an untyped caller got
 * wrong in a way that would otherwise be silently ignored.
 */
export function checkSessionOptions(options: Record<string, unknown>): void {
  // First: `secret` or `keys` instead of `secrets` is a missing secret before an unknown name.
  checkSecretsPresent(options)
  checkOptionNames('cookietin options', options, SESSION_OPTIONS, ADVICE)
  if (options['maxAge'] !== undefined) checkMaxAge(options['maxAge'])
  for (const key of ['permanent', 'rolling', 'compress'] as const) {
    expectType(options, '', key, 'boolean')
  }
  for (const key of ['onInvalid', 'warn', 'random', 'now'] as const) {
    expectType(options, '', key, 'function')
  }
  expectType(options, '', 'backend', 'object')
  expectType(options, '', 'cookie', 'object')
  const cookie = options['cookie']
  if (cookie !== undefined) checkCookieOptions(cookie as Record<string, unknown>)
}
