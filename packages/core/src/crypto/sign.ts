import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import {
  bindName,
  type OpenResult,
  packEnvelope,
  resolveNow,
  type SealOptions,
  unpackEnvelope,
  type VerifyOptions,
} from './envelope.ts'
import type { Keyring } from './keyring.ts'

/** Version tag of signed tokens: `s1.<key id>.<base64url envelope>.<base64url HMAC-SHA256>`. */
export const SIGNED_PREFIX = 's1.'
const MAX_TOKEN_LENGTH = 1 << 21

/**
 * Signs `value` for the cookie `name`: readable by anyone who base64-decodes it, changeable by no one.
 * HMAC-SHA256 covers the cookie name, the key id, the issued-at and expires-at times and the value.
 */
export async function signValue(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): Promise<string> {
  const key = await keyring.current()
  const envelope = await packEnvelope(value, options, keyring.backend)
  const unsigned = `${SIGNED_PREFIX}${key.id}.${encodeBase64Url(envelope)}`
  const mac = await key.signer.sign(bindName(name, unsigned))
  return `${unsigned}.${encodeBase64Url(mac)}`
}

/**
 * Verifies a token from `signValue`. Never throws for any `token`: bad input is `{ ok: false, reason }`.
 * Throws `ConfigError` `INVALID_OPTION` only for an invalid `options.now`.
 */
export async function verifyValue(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): Promise<OpenResult> {
  // Checked first so that a bad `now` throws whatever the token, never only for authentic ones.
  const now = resolveNow(options.now)
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith(SIGNED_PREFIX)) {
    return { ok: false, reason: typeof token === 'string' && token.startsWith('e1.') ? 'wrong_kind' : 'malformed' }
  }
  const idEnd = token.indexOf('.', SIGNED_PREFIX.length)
  const macStart = token.lastIndexOf('.')
  if (idEnd < 0 || macStart <= idEnd) return { ok: false, reason: 'malformed' }
  const key = await keyring.find(token.slice(SIGNED_PREFIX.length, idEnd))
  if (!key) return { ok: false, reason: 'unknown_key' }
  const envelope = decodeBase64Url(token.slice(idEnd + 1, macStart))
  const mac = decodeBase64Url(token.slice(macStart + 1))
  if (!envelope || !mac || mac.length !== 32) return { ok: false, reason: 'malformed' }
  const valid = await key.signer.verify(bindName(name, token.slice(0, macStart)), mac)
  if (!valid) return { ok: false, reason: 'bad_signature' }
  return unpackEnvelope(envelope, key.index !== 0, now, keyring.backend)
}
