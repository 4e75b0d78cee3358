import { serializeCookieDeletion } from '../cookie/serialize.ts'
import { decodeBase64Url } from '../crypto/base64url.ts'
import { ConfigError } from '../errors.ts'
import type { LegacyCookie } from '../session/legacy.ts'

/** Where the old library set its cookies: a browser deletes one only with its path and domain. */
export interface LegacyCookieOptions {
  /** @default '/' (what every one of these libraries defaults to) */
  path?: string
  /** @default undefined (a host-only cookie) */
  domain?: string
}

export function invalidOption(reader: string, option: string, expected: string): ConfigError {
  return new ConfigError('INVALID_OPTION', `${reader}: option \`${option}\` must be ${expected}`)
}

export const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0

/** The cookies to delete once migrated; a name, path or domain no browser accepts throws now. */
export function legacyCookies(
  names: readonly string[],
  options: LegacyCookieOptions = {},
): readonly LegacyCookie[] {
  const { path = '/', domain } = options
  return Object.freeze(
    names.map((name) => {
      serializeCookieDeletion(name, { path, ...(domain ? { domain } : {}), secure: true })
      return Object.freeze({ name, path, ...(domain ? { domain } : {}) })
    }),
  )
}

// fatal: bytes that are not UTF-8 are malformed, as JSON.parse would not see them as written.
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Parses JSON into a plain object (not an array, not null), or `undefined`. */
function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * `JSON.parse(Buffer.from(text, 'base64').toString())`, how cookie-session and koa-session read
 * their cookie, for the standard base64 they write. `undefined` when it is not that.
 */
export function parseBase64Json(text: string): Record<string, unknown> | undefined {
  // They write standard base64; base64url characters in it mean someone else wrote it.
  if (/[-_]/.test(text)) return undefined
  const bytes = decodeBase64Url(
    text
      .replace(/={1,2}$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_'),
  )
  if (bytes === null) return undefined
  try {
    return parseJsonObject(decoder.decode(bytes))
  } catch {
    return undefined
  }
}
