import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import {
  bindName,
  bindNameText,
  checkValue,
  DOT,
  KEY_ID_LENGTH,
  envelopeHeader,
  expiryFor,
  type OpenResult,
  packEnvelope,
  resolveNow,
  tokenKind,
  type SealOptions,
  unpackEnvelope,
  type VerifyOptions,
} from './envelope.ts'
import type { Keyring, LoadedKeys } from './keyring.ts'
import { type MaybePromise, chain, isPromise, toPromise } from '../maybePromise.ts'

/** Version tag of signed tokens: `s1.<key id>.<base64url envelope>.<base64url HMAC-SHA256>`. */
const SIGNED_PREFIX = 's1.'
const MAC_TEXT_LENGTH = 43 // 32 bytes, unpadded base64url
const MIN_ENVELOPE_TEXT_LENGTH = 12 // the 9-byte envelope header

/**
 * Signs `value` for the cookie `name`: readable by anyone who base64-decodes it, changeable by no
 * one. HMAC-SHA256 covers the cookie name, the key id, the issued-at and expires-at times and the
 * value. Rejects with `CookieError` `INVALID_COOKIE_VALUE` for a value with a lone surrogate (it
 * has no UTF-8 form; `serializeCookie` refuses the same value), and `ConfigError` for invalid
 * options.
 */
export function signValue(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): Promise<string> {
  return toPromise(() => signValueMaybe(keyring, name, value, options))
}

/** `signValue`, returning the token itself when the back-end is synchronous. */
export function signValueMaybe(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): MaybePromise<string> {
  checkValue(name, value)
  return chain(keyring.keys(), ({ newest: key }) => {
    const encodeText = keyring.backend.encodeTextBase64Url
    const signer = key.signer
    if (signer.signText && encodeText && typeof value === 'string' && !options.compress) {
      const now = resolveNow(options.now)
      const expiresAt = expiryFor(now, options.maxAge)
      // The 9-byte header is a whole number of base64 groups, so the envelope's base64url is the
      // header's followed by the value's: the same characters the byte path writes.
      const unsigned = `${SIGNED_PREFIX}${key.id}.${encodeBase64Url(envelopeHeader(now, expiresAt))}${encodeText(value)}`
      return `${unsigned}.${signer.signText(bindNameText(name, unsigned))}`
    }
    return chain(packEnvelope(value, options, keyring.backend), (envelope) => {
      const unsigned = `${SIGNED_PREFIX}${key.id}.${encodeBase64Url(envelope)}`
      if (signer.signText) return `${unsigned}.${signer.signText(bindNameText(name, unsigned))}`
      return chain(
        signer.sign(bindName(name, unsigned)),
        (mac) => `${unsigned}.${encodeBase64Url(mac)}`,
      )
    })
  })
}

/**
 * Verifies a token from `signValue`. Never throws for any `token`: bad input is `{ ok: false,
 * reason }`. Throws `ConfigError` `INVALID_OPTION` only for an invalid `options.now`.
 */
export function verifyValue(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): Promise<OpenResult> {
  return toPromise(() => verifyValueMaybe(keyring, name, token, options))
}

/** `verifyValue`, returning the result itself when the back-end is synchronous. */
export function verifyValueMaybe(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): MaybePromise<OpenResult> {
  // Checked first so that a bad `now` throws whatever the token, never only for authentic ones.
  const now = resolveNow(options.now)
  const kind = tokenKind(token, SIGNED_PREFIX)
  if (kind !== 'ok') return { ok: false, reason: kind }
  // The shape of docs/format.md §1 by lengths, before any key is looked up: an 8-character key
  // id, an envelope of at least 12 characters (9 bytes) and a 43-character MAC. Characters are
  // checked when decoding.
  const idEnd = SIGNED_PREFIX.length + KEY_ID_LENGTH
  const macStart = token.lastIndexOf('.')
  if (
    token.charCodeAt(idEnd) !== DOT ||
    token.indexOf('.', SIGNED_PREFIX.length) !== idEnd ||
    macStart - idEnd - 1 < MIN_ENVELOPE_TEXT_LENGTH ||
    token.length - macStart - 1 !== MAC_TEXT_LENGTH
  ) {
    return { ok: false, reason: 'malformed' }
  }
  const keys = keyring.keys()
  // A named function rather than a closure: this runs on every request that carries a cookie.
  return isPromise(keys)
    ? keys.then((loaded) => verifyWith(loaded, keyring, name, token, idEnd, macStart, now))
    : verifyWith(keys, keyring, name, token, idEnd, macStart, now)
}

function verifyWith(
  loaded: LoadedKeys,
  keyring: Keyring,
  name: string,
  token: string,
  idEnd: number,
  macStart: number,
  now: number,
): MaybePromise<OpenResult> {
  const key = loaded.byId.get(token.slice(SIGNED_PREFIX.length, idEnd))
  if (!key) return { ok: false, reason: 'unknown_key' }
  const decode = keyring.backend.decodeBase64Url ?? decodeBase64Url
  // Decoded strictly whatever the MAC, so a malformed token is 'malformed' on every path.
  const envelope = decode(token.slice(idEnd + 1, macStart))
  if (!envelope) return { ok: false, reason: 'malformed' }
  const macText = token.slice(macStart + 1)
  const signed = token.slice(0, macStart)
  const signer = key.signer
  // The text path compares against the canonical MAC text, which an authentic token always has.
  if (signer.verifyText) {
    if (signer.verifyText(bindNameText(name, signed), macText)) {
      return unpackEnvelope(envelope, key.index !== 0, now, keyring.backend)
    }
    return { ok: false, reason: isMacText(macText, decode) ? 'bad_signature' : 'malformed' }
  }
  if (!isMacText(macText, decode)) return { ok: false, reason: 'malformed' }
  const mac = decode(macText) as Uint8Array
  return chain(
    key.signer.verify(bindName(name, signed), mac),
    (valid): MaybePromise<OpenResult> =>
      valid
        ? unpackEnvelope(envelope, key.index !== 0, now, keyring.backend)
        : { ok: false, reason: 'bad_signature' },
  )
}

/**
 * Whether `text` is the canonical base64url of 32 bytes: a MAC that is merely wrong, not malformed.
 */
function isMacText(text: string, decode: (text: string) => Uint8Array | null): boolean {
  return text.length === MAC_TEXT_LENGTH && decode(text)?.length === 32
}
