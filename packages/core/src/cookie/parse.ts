/**
 * Reading a request's `Cookie` header (RFC 6265bis §4.2; browsers build it by §5.8.3).
 * The header is untrusted input, so nothing here throws: whatever cannot be read as a cookie is
 * skipped. One forward pass with `indexOf`, no regular expressions, so time is linear in the
 * header's length whatever an attacker sends.
 */

import { isOws } from './validate.ts'

// A constructor whose prototype has a null prototype: objects it makes inherit nothing (so a
// cookie named `__proto__` or `constructor` is an ordinary own property) but, unlike
// `Object.create(null)`, start in V8's fast-properties mode. jshttp/cookie uses the same trick.
const NullObject = /* @__PURE__ */ (() => {
  const C = function () {} as unknown as new () => Record<string, string>
  C.prototype = Object.create(null)
  return C
})()

/**
 * Parses a `Cookie` request header into `{ name: value }`.
 *
 * - Never throws; `null`, `undefined` or an empty header give an empty object.
 * - Pairs are split on `;`; names and values are trimmed of spaces and tabs (OWS).
 * - A pair without `=` or with an empty name is skipped.
 * - The first of several cookies with the same name wins (RFC 6265bis §5.8.3 sends the most
 *   specific path first).
 * - A value wrapped in double quotes (RFC 6265bis §4.1.1 allows `DQUOTE *cookie-octet DQUOTE`)
 *   loses them; a value containing `%` is percent-decoded as UTF-8 when every escape decodes,
 *   and kept exactly as received otherwise (`a%zz` stays `a%zz`).
 * - The result inherits nothing from `Object.prototype`: `__proto__` is just a cookie name.
 *
 * @example parseCookies('SID=31d4d96e407aad42; lang=en-US') // { SID: '31d4d96e407aad42', lang: 'en-US' }
 */
export function parseCookies(header: string | null | undefined): Record<string, string> {
  const cookies = new NullObject()
  if (typeof header !== 'string') return cookies
  const len = header.length
  let index = 0
  // Where the next '=' is; kept across pairs without one so the header is scanned for '=' once.
  let eq = -1
  // Where the next '%' is, -1 when none is left (0 until the first value, before which it cannot
  // matter): found the same way, so that values without escapes (nearly all of them) are not each
  // scanned again for '%' as cookie@2 does. Trimming and unquoting remove only spaces, tabs and
  // quotes, so a '%' between '=' and ';' is a '%' in the value.
  let percent = 0
  while (index < len) {
    if (eq < index) {
      eq = header.indexOf('=', index)
      if (eq === -1) break // no '=' left: no pair left
    }
    let end = header.indexOf(';', index)
    if (end === -1) end = len
    if (eq > end) {
      index = end + 1 // a pair without '='
      continue
    }
    // OWS tests are written out here and below: this loop is the hot path of every request.
    let start = index
    let stop = eq
    let code = header.charCodeAt(start)
    while ((code === 0x20 || code === 0x09) && ++start < stop) code = header.charCodeAt(start)
    code = header.charCodeAt(stop - 1)
    while (stop > start && (code === 0x20 || code === 0x09)) code = header.charCodeAt(--stop - 1)
    if (stop > start) {
      const name = header.slice(start, stop)
      if (cookies[name] === undefined) {
        const from = eq + 1
        if (percent !== -1 && percent < from) percent = header.indexOf('%', from)
        const escaped = percent !== -1 && percent < end
        // Most values start and end with a cookie-octet above '"' (so no OWS, no quotes) and hold
        // no '%': they are the slice as it stands, without the call to readValue.
        cookies[name] =
          !escaped &&
          end > from &&
          header.charCodeAt(from) > 0x22 &&
          header.charCodeAt(end - 1) > 0x22
            ? header.slice(from, end)
            : readValue(header, from, end, escaped)
      }
    }
    index = end + 1
  }
  return cookies
}

/**
 * Reads one cookie from a `Cookie` header, with exactly the semantics of {@link parseCookies}
 * (`parseCookie(h, n) === parseCookies(h)[n]`) but without building an object, and jumping from
 * one occurrence of `name` to the next instead of reading every pair.
 *
 * @example parseCookie('SID=31d4d96e407aad42; lang=en-US', 'lang') // 'en-US'
 */
export function parseCookie(header: string | null | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || typeof name !== 'string' || !canBeParsedName(name)) {
    return undefined
  }
  const len = header.length
  let at = header.indexOf(name)
  while (at !== -1) {
    // A match counts only where a pair's name starts: after the start or a ';' and any OWS...
    let before = at
    while (before > 0 && isOws(header.charCodeAt(before - 1))) before--
    if (before === 0 || header.charCodeAt(before - 1) === 0x3b) {
      // ...and where it ends: followed by OWS and '=', which is the pair's first '=' because
      // `name` holds none.
      let after = at + name.length
      while (after < len && isOws(header.charCodeAt(after))) after++
      if (after < len && header.charCodeAt(after) === 0x3d) {
        let end = header.indexOf(';', after + 1)
        if (end === -1) end = len
        return readValue(header, after + 1, end, true)
      }
    }
    at = header.indexOf(name, at + 1)
  }
  return undefined
}

/** Whether parseCookies could ever produce `name` as a key (trimmed, non-empty, no ';' or '='). */
function canBeParsedName(name: string): boolean {
  return (
    name.length > 0 &&
    !isOws(name.charCodeAt(0)) &&
    !isOws(name.charCodeAt(name.length - 1)) &&
    !name.includes(';') &&
    !name.includes('=')
  )
}

/**
 * The value between `start` and `end`: trimmed, unquoted, then percent-decoded if it can be.
 * `mayEscape` false promises no '%' lies between `start` and `end`, so the value is not scanned.
 */
function readValue(header: string, start: number, end: number, mayEscape: boolean): string {
  while (start < end) {
    const code = header.charCodeAt(start)
    if (code !== 0x20 && code !== 0x09) break
    start++
  }
  while (end > start) {
    const code = header.charCodeAt(end - 1)
    if (code !== 0x20 && code !== 0x09) break
    end--
  }
  if (
    end - start >= 2 &&
    header.charCodeAt(start) === 0x22 &&
    header.charCodeAt(end - 1) === 0x22
  ) {
    start++
    end--
  }
  const value = header.slice(start, end)
  return mayEscape && value.indexOf('%') !== -1 ? decode(value) : value
}

const isHexDigit = (code: number) =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)

// Kept apart so the try/catch stays off the common path of values without '%'.
function decode(value: string): string {
  // A '%' without two hex digits after it makes decodeURIComponent throw, and a thrown exception
  // costs microseconds: a header of thousands of `a=%` pairs would pay one each. Answer those
  // without throwing; only escapes that are not UTF-8 (`%FF`) still reach the catch.
  for (let at = value.indexOf('%'); at !== -1; at = value.indexOf('%', at + 3)) {
    if (!isHexDigit(value.charCodeAt(at + 1)) || !isHexDigit(value.charCodeAt(at + 2))) return value
  }
  try {
    return decodeURIComponent(value)
  } catch {
    // A malformed escape or one that is not UTF-8: the value was not ours to decode.
    return value
  }
}
