import type { LegacyReadResult, LegacySessionReader } from '../session/legacy.ts'
import {
  type LegacyCookieOptions,
  invalidOption,
  isNonEmptyString,
  legacyCookies,
} from './common.ts'
import { createIronUnsealer } from './iron.ts'

/** iron-session's options (only what reading and deleting need). */
export interface IronSessionOptions {
  /** iron-session's `cookieName`. */
  cookieName: string
  /**
   * iron-session's `password`: one of at least 32 characters, or its map of ids to passwords
   * (`{ 2: newest, 1: older }`): each seal names the id it was made with.
   */
  password: string | Readonly<Record<string, string>>
  /** The `path` and `domain` of iron-session's `cookieOptions`. */
  cookieOptions?: LegacyCookieOptions
}

const READER = 'iron-session'
/** iron-session 8 and 9 append their token version (`~2`); 6 and 7 did not. */
const VERSION = /~(\d+)$/

/**
 * Reads iron-session's cookie (versions 6 to 9): an iron seal (`Fe26.2`) of the session's JSON.
 * The expiry each seal carries (iron-session's `ttl` when it was saved) is honoured, with iron's
 * 60 seconds of clock skew; a seal made with `ttl: 0` never expires, as in iron-session.
 *
 * @example
 * const migrateFrom = ironSession({ cookieName: 'app', password: process.env.IRON_PASSWORD! })
 * app.use(cookietin({ secrets, migrateFrom }))
 */
export function ironSession(options: IronSessionOptions): LegacySessionReader {
  const { cookieName, password } = options
  if (!isNonEmptyString(cookieName)) throw invalidOption(READER, 'cookieName', 'a cookie name')
  // iron-session turns one password into the map { 1: password }.
  const entries =
    typeof password === 'string' ? [['1', password] as const] : Object.entries(password ?? {})
  if (
    entries.length === 0 ||
    !entries.every(([, secret]) => typeof secret === 'string' && secret.length >= 32)
  )
    throw invalidOption(
      READER,
      'password',
      'a string of at least 32 characters, or a map of ids to them',
    )
  const unseal = createIronUnsealer(new Map(entries))
  const cookies = legacyCookies([cookieName], options.cookieOptions)

  async function read(value: string, now: number): Promise<LegacyReadResult> {
    const version = VERSION.exec(value)
    const opened = await unseal(version ? value.slice(0, version.index) : value, now)
    if (!opened.ok) return { ok: false, reason: opened.reason, cookieName }
    // iron-session 6 and 7 kept the data under `persistent`; 8 and 9 write version 2.
    const data =
      version?.[1] === '2'
        ? opened.value
        : (opened.value as { persistent?: unknown } | null)?.persistent
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? { ok: true, data: data as Record<string, unknown>, cookies }
      : { ok: false, reason: 'malformed', cookieName }
  }

  return Object.freeze({
    name: READER,
    read: (jar: Readonly<Record<string, string>>, now: number) => {
      const value = jar[cookieName]
      return value === undefined ? undefined : read(value, now)
    },
  })
}
