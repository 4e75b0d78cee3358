import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import {
  bindName,
  bindNameText,
  envelopeHeader,
  expiryFor,
  type OpenResult,
  packEnvelope,
  resolveNow,
  type SealOptions,
  unpackEnvelope,
  unpackEnvelopeSync,
  type VerifyOptions,
} from './envelope.ts'
import type { Keyring } from './keyring.ts'

/** Version tag of signed tokens: `s1.<key id>.<base64url envelope>.<base64url HMAC-SHA256>`. */
export const SIGNED_PREFIX = 's1.'
const MAX_TOKEN_LENGTH = 1 << 21
const MAC_TEXT_LENGTH = 43 // 32 bytes, unpadded base64url

/** A value now, or a promise of it: the synchronous back-end's path never waits for a microtask. */
export type MaybePromise<T> = T | Promise<T>

/** Runs `run` and hands back a promise whatever it returned or threw. */
export function toPromise<T>(run: () => MaybePromise<T>): Promise<T> {
  try {
    const result = run()
    return result instanceof Promise ? result : Promise.resolve(result)
  } catch (error) {
    // Whatever was thrown, as an async function would reject with it.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error)
  }
}

/**
 * Signs `value` for the cookie `name`: readable by anyone who base64-decodes it, changeable by no one.
 * HMAC-SHA256 covers the cookie name, the key id, the issued-at and expires-at times and the value.
 */
export function signValue(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): Promise<string> {
  return toPromise(() => signValueMaybe(keyring, name, value, options))
}

/** `signValue`, synchronous when the keys are derived and the back-end offers text HMACs. */
export function signValueMaybe(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): MaybePromise<string> {
  const key = keyring.loadedKeys?.()?.newest
  const encodeText = keyring.backend.encodeTextBase64Url
  if (key?.signer.signText && encodeText && typeof value === 'string' && !options.compress) {
    const now = resolveNow(options.now)
    const expiresAt = expiryFor(now, options.maxAge)
    // The 9-byte header is a whole number of base64 groups, so the envelope's base64url is the
    // header's followed by the value's: the same characters the byte path writes.
    const unsigned = `${SIGNED_PREFIX}${key.id}.${encodeBase64Url(envelopeHeader(now, expiresAt))}${encodeText(value)}`
    return `${unsigned}.${key.signer.signText(bindNameText(name, unsigned))}`
  }
  return signBytes(keyring, name, value, options)
}

async function signBytes(keyring: Keyring, name: string, value: string, options: SealOptions): Promise<string> {
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
export function verifyValue(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): Promise<OpenResult> {
  return toPromise(() => verifyValueMaybe(keyring, name, token, options))
}

/** `verifyValue`, synchronous when the keys are derived and the back-end offers text HMACs. */
export function verifyValueMaybe(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): MaybePromise<OpenResult> {
  // Checked first so that a bad `now` throws whatever the token, never only for authentic ones.
  const now = resolveNow(options.now)
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith(SIGNED_PREFIX)) {
    return { ok: false, reason: typeof token === 'string' && token.startsWith('e1.') ? 'wrong_kind' : 'malformed' }
  }
  const idEnd = token.indexOf('.', SIGNED_PREFIX.length)
  const macStart = token.lastIndexOf('.')
  if (idEnd < 0 || macStart <= idEnd) return { ok: false, reason: 'malformed' }
  const loaded = keyring.loadedKeys?.()
  const decode = keyring.backend.decodeBase64Url
  if (loaded && decode) {
    const key = loaded.byId.get(token.slice(SIGNED_PREFIX.length, idEnd))
    if (!key) return { ok: false, reason: 'unknown_key' }
    if (key.signer.verifyText) {
      const envelopeText = token.slice(idEnd + 1, macStart)
      const macText = token.slice(macStart + 1)
      const authentic = key.signer.verifyText(bindNameText(name, token.slice(0, macStart)), macText)
      // Decoded strictly either way, so a malformed token is 'malformed' whatever its MAC, as on the
      // byte path; an authentic one was written canonical by `signValue`.
      const envelope = decode(envelopeText)
      if (!envelope) return { ok: false, reason: 'malformed' }
      if (!authentic) {
        const mac = macText.length === MAC_TEXT_LENGTH ? decode(macText) : null
        return { ok: false, reason: mac && mac.length === 32 ? 'bad_signature' : 'malformed' }
      }
      return unpackEnvelopeSync(envelope, key.index !== 0, now) ?? unpackEnvelope(envelope, key.index !== 0, now, keyring.backend)
    }
  }
  return verifyBytes(keyring, name, token, idEnd, macStart, now)
}

async function verifyBytes(
  keyring: Keyring,
  name: string,
  token: string,
  idEnd: number,
  macStart: number,
  now: number,
): Promise<OpenResult> {
  const key = await keyring.find(token.slice(SIGNED_PREFIX.length, idEnd))
  if (!key) return { ok: false, reason: 'unknown_key' }
  const envelope = decodeBase64Url(token.slice(idEnd + 1, macStart))
  const mac = decodeBase64Url(token.slice(macStart + 1))
  if (!envelope || !mac || mac.length !== 32) return { ok: false, reason: 'malformed' }
  const valid = await key.signer.verify(bindName(name, token.slice(0, macStart)), mac)
  if (!valid) return { ok: false, reason: 'bad_signature' }
  return unpackEnvelope(envelope, key.index !== 0, now, keyring.backend)
}
