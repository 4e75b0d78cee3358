import { type CookieOptions, MAX_AGE_CAP_SECONDS, serializeCookie } from '../cookie/serialize.ts'
import type { ResolvedSessionOptions } from './options.ts'

/**
 * The attributes part (`; Path=/; HttpOnly...`) of the session's `Set-Cookie` lines, serialized
 * once per Secure flag, and for permanent sessions once per second (Expires is written to the
 * second).
 */
export function createSetCookieSuffix(options: ResolvedSessionOptions<object>) {
  const { cookieName, maxAge, now } = options
  const { secure: secureOption, ...attributes } = options.cookie
  const serialize = (extra: CookieOptions) =>
    serializeCookie(cookieName, '', { ...attributes, ...extra }).slice(cookieName.length + 1)
  // A static Expires (from an untyped caller) or a lifetime over the 400-day cap depends on the
  // clock at serialization: those are serialized on every commit.
  const cacheable = !('expires' in attributes) && maxAge <= MAX_AGE_CAP_SECONDS
  const browserSession: (string | undefined)[] = [undefined, undefined]
  const permanent = [
    { second: Number.NaN, suffix: '' },
    { second: Number.NaN, suffix: '' },
  ]

  return (isPermanent: boolean, secureRequest: boolean): string => {
    const secure = secureOption === 'auto' ? secureRequest : secureOption
    const which = secure ? 1 : 0
    if (!isPermanent) return (browserSession[which] ??= serialize({ secure }))
    const expires = now() + maxAge * 1000
    // An injected clock far ahead of the system one: serializeCookie caps Expires by the system
    // clock.
    if (!cacheable || expires > Date.now() + (MAX_AGE_CAP_SECONDS - 1) * 1000) {
      return serialize({ secure, maxAge, expires: new Date(expires) })
    }
    const cached = permanent[which] as { second: number; suffix: string }
    const second = Math.floor(expires / 1000)
    if (cached.second !== second) {
      cached.suffix = serialize({ secure, maxAge, expires: new Date(expires) })
      cached.second = second
    }
    return cached.suffix
  }
}
