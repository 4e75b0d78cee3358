/**
 * "What your browser holds": the session cookies a request carried, opened server-side with the
 * site's secrets, for the home page to show a visitor their own session as the server reads it.
 * Built on `@cookietin/core/testing`'s inspection helpers, the same ones the `cookietin` CLI uses.
 */
import { inspectCookie, joinSessionCookies, toPlainJson } from '@cookietin/core/testing'
import type { SiteConfig } from './config.ts'

export interface HeldSession {
  /**
   * Each session cookie the browser sent (`session`, or `session.0`, `session.1`...) and its bytes
   * (name and value).
   */
  cookies: { name: string; bytes: number }[]
  /**
   * What the token is: `sealed`, `signed`, `flask`, or `plain` for a value that is none of them.
   */
  kind: string
  keyId: string | null
  /** Unix seconds. */
  issuedAt: number | null
  expiresAt: number | null
  /** True when the site's secrets opened it; otherwise `reason` says why the server ignores it. */
  valid: boolean
  reason: string | null
  /** `{ data, flashes, permanent }` when valid. */
  session: unknown
}

/** The session this request's cookies hold, or null when they hold none. Never throws. */
export async function inspectHeldSession(
  cookies: Readonly<Record<string, string>>,
  config: SiteConfig,
): Promise<HeldSession | null> {
  const joined = joinSessionCookies(cookies, config.cookieName)
  if (!joined) return null
  const held: HeldSession = {
    cookies: joined.cookies.map((name) => ({
      name,
      bytes: new TextEncoder().encode(`${name}${cookies[name] ?? ''}`).length,
    })),
    kind: 'plain',
    keyId: null,
    issuedAt: null,
    expiresAt: null,
    valid: false,
    reason: null,
    session: null,
  }
  try {
    const inspection = await inspectCookie(joined.value, {
      secrets: config.secrets,
      cookieName: config.cookieName,
      flaskMaxAge: config.maxAge,
    })
    const payload = inspection.payload as Record<string, unknown> | null
    return {
      ...held,
      kind: inspection.kind,
      keyId: inspection.keyId,
      issuedAt: inspection.issuedAt,
      expiresAt: inspection.expiresAt,
      valid: inspection.valid && inspection.verified,
      reason: inspection.reason,
      session:
        inspection.valid && payload !== null && typeof payload === 'object'
          ? toPlainJson({
              data: payload['data'],
              flashes: payload['flashes'],
              permanent: payload['permanent'],
            })
          : null,
    }
  } catch (error) {
    return { ...held, reason: error instanceof Error ? error.message : String(error) }
  }
}
