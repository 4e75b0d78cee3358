import { randomBytes } from 'node:crypto'

/**
 * Test secrets, each at least 32 bytes. A is the one servers start with; B and C rotate in front.
 */
export const SECRET_A = 'conformance-secret-A-0123456789abcdef'
export const SECRET_B = 'conformance-secret-B-0123456789abcdef'
export const SECRET_C = 'conformance-secret-C-0123456789abcdef'
/** Under 32 bytes: refused by sealed and signed, only a warning for flask. */
export const SHORT_SECRET = 'too-short-secret'

export const DEFAULT_MAX_AGE = 1_209_600
export const ONE_YEAR = 31_536_000
export const MAX_AGE_CAP = 34_560_000
/** Most bytes (names + values) of a session's cookies together. */
export const MAX_SESSION_BYTES = 12_288
/** Most bytes of one cookie's name and value (RFC 6265bis §5.6). */
export const MAX_COOKIE_BYTES = 4096

export const USERS = { alice: 'wonderland', bob: 'builder' } as const

/** `n` characters of random base64url: incompressible in practice (6 bits of entropy a byte). */
export function incompressible(n: number): string {
  return randomBytes(Math.ceil((n * 3) / 4) + 3)
    .toString('base64url')
    .slice(0, n)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A value unique to one test, to find in a page or a cookie. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`
