import { serializeCookieDeletion } from '../cookie/serialize.ts'
import type { InvalidSessionReason } from '../formats/types.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'

/**
 * The `migrateFrom` contract: what a reader of another library's session cookie answers. The
 * readers themselves (cookie-session, koa-session, iron-session) are in `@cookietin/core/migrate`,
 * so apps that do not migrate do not ship them; only this contract and its loop are here.
 */

/** One cookie of another library, with the path and domain it was set with: what deletes it. */
export interface LegacyCookie {
  readonly name: string
  readonly path: string
  readonly domain?: string | undefined
}

export type LegacyReadResult =
  | {
      ok: true
      /** The session's data as the old library's app saw it. */
      data: Record<string, unknown>
      /** Its cookies, deleted in the response that writes the cookietin session. */
      cookies: readonly LegacyCookie[]
    }
  | { ok: false; reason: InvalidSessionReason; cookieName: string }

/** A reader of another library's session cookie, for the `migrateFrom` session option. */
export interface LegacySessionReader {
  /** The library, e.g. `'koa-session'`: named in `onInvalid` events as `migrateFrom`. */
  readonly name: string
  /**
   * The cookies any of which means there may be a session to read. With them, a request that
   * carries none skips the reader without calling `read`: a request without legacy cookies pays
   * one property lookup per name.
   */
  readonly cookieNames?: readonly string[]
  /**
   * `undefined` when the request carries none of its cookies. That answer must stay a property
   * lookup: it runs on every request without a valid cookietin session. Never throws.
   * @param now Unix milliseconds (the session's clock)
   */
  read(
    cookies: Readonly<Record<string, string>>,
    now: number,
  ): MaybePromise<LegacyReadResult | undefined>
}

/**
 * Whether `cookies` may hold a legacy session: false only when every reader names its cookies and
 * none of them is present.
 */
export function legacyCookiesPresent(
  readers: readonly LegacySessionReader[],
): (cookies: Readonly<Record<string, string>>) => boolean {
  if (readers.some((reader) => !reader.cookieNames)) return () => true
  const names = readers.flatMap((reader) => reader.cookieNames ?? [])
  return (cookies) => {
    for (const name of names) if (cookies[name] !== undefined) return true
    return false
  }
}

/** A legacy session that verified, and the reader's library. */
export type LegacySession = LegacyReadResult & { ok: true; reader: string }

/** The first reader's session that verifies; other present cookies go to `refused`. */
export function readLegacySession(
  readers: readonly LegacySessionReader[],
  cookies: Readonly<Record<string, string>>,
  now: number,
  refused: (result: LegacyReadResult & { ok: false }, reader: string) => void,
  from = 0,
): MaybePromise<LegacySession | undefined> {
  for (let index = from; index < readers.length; index++) {
    const reader = readers[index] as LegacySessionReader
    const result = reader.read(cookies, now)
    if (result === undefined) continue
    return chain(result, (read) => {
      if (read?.ok) return { ...read, reader: reader.name }
      if (read) refused(read, reader.name)
      return readLegacySession(readers, cookies, now, refused, index + 1)
    })
  }
  return undefined
}

/**
 * `Set-Cookie` lines deleting a migrated session's old cookies, except one the session itself
 * writes or deletes in the same lines (same name, path and domain): the last line would win.
 * Secure on HTTPS so a Secure cookie can be deleted (a prefixed name gets it from the serializer).
 */
export function deleteLegacyCookies(
  legacy: readonly LegacyCookie[],
  own: { names: readonly string[]; path: string; domain?: string | undefined },
  secure: boolean,
): string[] {
  const lines: string[] = []
  for (const { name, path, domain } of legacy) {
    if (own.names.includes(name) && path === own.path && (domain ?? '') === (own.domain ?? ''))
      continue
    lines.push(
      serializeCookieDeletion(name, {
        path,
        ...(domain ? { domain } : {}),
        ...(secure ? { secure } : {}),
      }),
    )
  }
  return lines
}
