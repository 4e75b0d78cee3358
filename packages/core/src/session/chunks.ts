import { MAX_COOKIE_SIZE } from '../cookie/serialize.ts'

/** `name.0`, `name.1`, ...: the cookies a session spans once it outgrows one. */
const chunkName = (name: string, index: number) => `${name}.${index}`

/** The session's cookies present in a request: `name` and any `name.<n>`, so stale ones can be deleted. */
export function findSessionCookies(
  cookies: Readonly<Record<string, string>>,
  name: string,
): string[] {
  const found: string[] = []
  const prefix = `${name}.`
  for (const key of Object.keys(cookies)) {
    if (key === name || (key.startsWith(prefix) && /^\d{1,3}$/.test(key.slice(prefix.length))))
      found.push(key)
  }
  return found
}

/** The session's value from one cookie, or from `name.0`, `name.1`, ... joined until one is missing. */
export function joinChunks(
  cookies: Readonly<Record<string, string>>,
  name: string,
  maxChunks: number,
): string | undefined {
  if (Object.hasOwn(cookies, name)) return cookies[name]
  let value: string | undefined
  for (let index = 0; index < maxChunks; index++) {
    const part = cookies[chunkName(name, index)]
    if (part === undefined || !Object.hasOwn(cookies, chunkName(name, index))) break
    value = (value ?? '') + part
  }
  return value
}

export interface Chunk {
  name: string
  value: string
}

/**
 * Splits `value` so that each `Set-Cookie` line (name, value and attributes) stays within 4096 bytes,
 * the size every browser keeps (RFC 6265bis §5.6). Values are base64url, one byte per character.
 * `suffixLength` is the length of the `; Max-Age=...` part that follows `name=value` in each line.
 */
export function splitIntoChunksAfter(name: string, value: string, suffixLength: number): Chunk[] {
  if (name.length + 1 + suffixLength + value.length <= MAX_COOKIE_SIZE) return [{ name, value }]
  const chunks: Chunk[] = []
  for (let offset = 0, index = 0; offset < value.length; index++) {
    const chunk = chunkName(name, index)
    const room = MAX_COOKIE_SIZE - (chunk.length + 1 + suffixLength)
    chunks.push({ name: chunk, value: value.slice(offset, offset + room) })
    offset += room
  }
  return chunks
}
