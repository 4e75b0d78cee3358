/**
 * Character rules of RFC 6265bis (and the RFC 9110 `token` it borrows), shared by the parser and
 * the serializer. Lookup tables rather than regular expressions: they answer in constant time per
 * character and let callers report exactly which character broke a rule.
 */

const TOKEN = 1
const COOKIE_OCTET = 2
const AV_OCTET = 4

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~"

function isLetDig(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  )
}

const TABLE = new Uint8Array(128)
for (let c = 0x21; c < 0x7f; c++) {
  // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
  //   / "`" / "|" / "~" / DIGIT / ALPHA
  let flags = 0
  if (isLetDig(c) || TCHAR_SYMBOLS.includes(String.fromCharCode(c))) flags |= TOKEN
  // RFC 6265 §4.1.1: cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
  // '%' is a cookie-octet, but it is left out here: the serializer escapes it so that the parser's
  // percent-decoding gives back exactly the string that was serialized.
  if (c !== 0x22 && c !== 0x2c && c !== 0x3b && c !== 0x5c && c !== 0x25) flags |= COOKIE_OCTET
  // RFC 6265bis §4.1.1: av-octet = %x20-3A / %x3C-7E (any CHAR except CTLs or ";").
  if (c !== 0x3b) flags |= AV_OCTET
  TABLE[c] = flags
}
TABLE[0x20] = AV_OCTET

/**
 * Optional whitespace (RFC 9110 §5.6.3 OWS): the only characters trimmed around names and values.
 */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09
}

// Single-character-class patterns: linear, no backtracking. V8 runs them several times faster than
// a charCodeAt loop, which matters on the common path (every Set-Cookie of a session token); the
// loops below run only to say where a rule broke.
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const UNSAFE_VALUE_CHAR_RE = /[^\x21\x23\x24\x26-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]/

/** A character the serializer may write into a cookie value as-is (cookie-octet other than '%'). */
export function isSafeValueChar(code: number): boolean {
  return code < 128 && (TABLE[code]! & COOKIE_OCTET) !== 0
}

/** Whether every character of `value` is a cookie-octet other than '%', so it needs no escaping. */
export function isSafeValue(value: string): boolean {
  return !UNSAFE_VALUE_CHAR_RE.test(value)
}

/** Position of the first character that keeps `name` from being a token, or -1 if it is one. */
export function invalidTokenIndex(name: string): number {
  if (TOKEN_RE.test(name)) return -1
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i)
    if (code >= 128 || (TABLE[code]! & TOKEN) === 0) return i
  }
  return -1
}

/**
 * True when `name` can be a cookie name: a non-empty RFC 9110 token (RFC 6265bis §4.1.1
 * `cookie-name = token`). Parsed cookies may carry other names; only tokens are ever sent.
 */
export function isValidCookieName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && invalidTokenIndex(name) === -1
}

/** `"x" (U+0078)`: a character named so that invisible ones (tab, NUL, NBSP) are still readable. */
export function describeChar(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0
  const hex = code.toString(16).toUpperCase().padStart(4, '0')
  return `${JSON.stringify(String.fromCodePoint(code))} (U+${hex})`
}

// RFC 6265bis §5.6: a browser ignores an attribute whose value is longer than 1024 octets.
const MAX_ATTRIBUTE_VALUE_LENGTH = 1024
// RFC 1034 §3.1: 255 octets on the wire, which is 253 characters in dotted form.
const MAX_DOMAIN_LENGTH = 253
const MAX_LABEL_LENGTH = 63

/**
 * Why `domain` is not a valid Domain attribute value, or null when it is.
 * RFC 6265bis §4.1.1 `domain-value = <subdomain>` per RFC 1034 §3.5 as relaxed by RFC 1123 §2.1
 * (labels may start with a digit). One leading '.' is accepted because browsers ignore it
 * (RFC 6265bis §5.6.3); a trailing '.' is refused because it makes browsers drop the attribute.
 */
export function domainProblem(domain: string): string | null {
  if (domain.length === 0) return 'it is empty (leave `domain` out for a host-only cookie)'
  const start = domain.charCodeAt(0) === 0x2e ? 1 : 0
  if (domain.length - start > MAX_DOMAIN_LENGTH) {
    return `it is longer than ${MAX_DOMAIN_LENGTH} characters`
  }
  let labelStart = start
  for (let i = start; i <= domain.length; i++) {
    const code = i < domain.length ? domain.charCodeAt(i) : 0x2e
    if (code === 0x2e) {
      const label = domain.slice(labelStart, i)
      if (label.length === 0) {
        return i === domain.length
          ? 'it ends with "." (browsers ignore such a Domain attribute)'
          : `it has an empty label at position ${i}`
      }
      if (label.length > MAX_LABEL_LENGTH) {
        return `the label "${label}" is longer than ${MAX_LABEL_LENGTH} characters`
      }
      if (label.charCodeAt(0) === 0x2d || label.charCodeAt(label.length - 1) === 0x2d) {
        return `the label "${label}" starts or ends with "-"`
      }
      labelStart = i + 1
    } else if (!isLetDig(code) && code !== 0x2d) {
      return `${describeChar(domain, i)} at position ${i} is not allowed (labels are letters, digits and "-"; no port, path or spaces)`
    }
  }
  return null
}

/**
 * Why `path` is not a valid Path attribute value, or null when it is.
 * RFC 6265bis §4.1.1 `path-value = *av-octet`; it must start with '/' because a browser replaces
 * any other value with the default path (§5.6.4), which is never what the caller meant.
 */
export function pathProblem(path: string): string | null {
  if (path.charCodeAt(0) !== 0x2f) return 'it must start with "/"'
  if (path.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
    return `it is longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters (browsers ignore it)`
  }
  for (let i = 1; i < path.length; i++) {
    const code = path.charCodeAt(i)
    if (code >= 128 || (TABLE[code]! & AV_OCTET) === 0) {
      return `${describeChar(path, i)} at position ${i} is not allowed (no ";", control or non-ASCII characters)`
    }
  }
  return null
}
