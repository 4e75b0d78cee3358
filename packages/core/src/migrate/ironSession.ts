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
/** iron-session 9 splits a large seal into `name.0` ... `name.3` when `chunk` is on. */
const MAX_CHUNKS = 4

/**
 * Reads iron-session's cookie (8 and 9): an iron seal (`Fe26.2`) of the session's JSON, in one
 * cookie or in iron-session 9's chunks. The expiry each seal carries (iron-session's `ttl` when it
 * was saved) is honoured with iron's 60 seconds of clock skew; a seal made with `ttl: 0` never
 * expires, as in iron-session. The `~2` after the seal is ignored, as iron-session 9 does: it is
 * outside the seal's MAC (iron-session 8 read seals without it as version 6's `{ persistent }`).
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
  const strong = ([, secret]: readonly [string, unknown]) =>
    typeof secret === 'string' && secret.length >= 32
  if (entries.length === 0 || !entries.every(strong))
    throw invalidOption(READER, 'password', 'at least 32 characters, or a map of ids to such')
  const unseal = createIronUnsealer(new Map(entries))
  const chunks = Array.from({ length: MAX_CHUNKS }, (_, index) => `${cookieName}.${index}`)
  const all = legacyCookies([cookieName, ...chunks], options.cookieOptions)

  async function read(
    seal: string,
    jar: Readonly<Record<string, string>>,
    now: number,
  ): Promise<LegacyReadResult> {
    const tilde = seal.indexOf('~')
    const opened = await unseal(tilde === -1 ? seal : seal.slice(0, tilde), now)
    if (!opened.ok) return { ok: false, reason: opened.reason, cookieName }
    const data = opened.value
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return { ok: false, reason: 'malformed', cookieName }
    // Every one of its cookies the request carries, stale chunks included.
    const cookies = all.filter((cookie) => jar[cookie.name] !== undefined)
    return { ok: true, data: data as Record<string, unknown>, cookies }
  }

  return Object.freeze({
    name: READER,
    cookieNames: [cookieName, chunks[0] as string],
    read: (jar: Readonly<Record<string, string>>, now: number) => {
      // As iron-session: the whole cookie when it has a value, else chunks up to the first gap.
      const whole = jar[cookieName]
      if (whole) return read(whole, jar, now)
      if (!jar[chunks[0] as string]) return undefined
      let seal = ''
      for (const chunk of chunks) {
        const part = jar[chunk]
        if (!part) break
        seal += part
      }
      return read(seal, jar, now)
    },
  })
}
