import { MAX_COOKIE_SIZE } from '../cookie/serialize.ts'

/** `name.0`, `name.1`, ...: the cookies a session spans once it outgrows one. */
const chunkName = (name: string, index: number) => `${name}.${index}`

/**
 * The session's cookies present in a request: `name`, and `name.0` up to `name.<maxChunks - 1>`
 * (only these exact spellings: not `name.00`, `name.007` or `name.999`), so stale ones can be
 * deleted. Bounding the names bounds the deletions: cookies planted by a sibling subdomain cannot
 * make one response carry a thousand `Set-Cookie` lines. With `maxChunks` 1 a session is never
 * chunked, so only `name` counts (Flask reads only `session`).
 */
export function findSessionCookies(
  cookies: Readonly<Record<string, string>>,
  name: string,
  maxChunks: number,
): string[] {
  const found: string[] = []
  if (Object.hasOwn(cookies, name)) found.push(name)
  if (maxChunks <= 1) return found
  for (let index = 0; index < maxChunks; index++) {
    if (Object.hasOwn(cookies, chunkName(name, index))) found.push(chunkName(name, index))
  }
  return found
}

/**
 * The session's value from one cookie, or from `name.0`, `name.1`, ... joined until one is missing
 * (at most `maxChunks` of them; none when `maxChunks` is 1).
 */
export function joinChunks(
  cookies: Readonly<Record<string, string>>,
  name: string,
  maxChunks: number,
): string | undefined {
  if (Object.hasOwn(cookies, name)) return cookies[name]
  if (maxChunks <= 1) return undefined
  let value: string | undefined
  for (let index = 0; index < maxChunks; index++) {
    const chunk = chunkName(name, index)
    if (!Object.hasOwn(cookies, chunk)) break
    value = (value ?? '') + (cookies[chunk] as string)
  }
  return value
}

export interface Chunk {
  name: string
  value: string
}

/**
 * Splits `value` so that each `Set-Cookie` line (name, value and attributes) stays within 4096
 * bytes, the size every browser keeps (RFC 6265bis §5.6). Values are base64url, one byte per
 * character. `suffixLength` is the length of the `; Max-Age=...` part that follows `name=value` in
 * each line.
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
