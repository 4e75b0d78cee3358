import { ConfigError } from '../errors.ts'
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
import type { Keyring } from './keyring.ts'
import { type MaybePromise, chain, toPromise } from '../maybePromise.ts'

/** Version tag of sealed tokens: `e1.<key id>.<base64url(nonce | ciphertext | tag)>`. */
const SEALED_PREFIX = 'e1.'
const NONCE_BYTES = 12
const TAG_BYTES = 16
const MIN_BLOB_TEXT_LENGTH = 50

/**
 * Encrypts and authenticates `value` for the cookie `name` with AES-256-GCM and a random 96-bit
 * nonce. The times live inside the ciphertext; the cookie name and key id are additional
 * authenticated data. Rejects with `CookieError` `INVALID_COOKIE_VALUE` for a value with a lone
 * surrogate (it has no UTF-8 form; `serializeCookie` refuses the same value), and `ConfigError` for
 * invalid options.
 */
export function sealValue(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): Promise<string> {
  return toPromise(() => sealValueMaybe(keyring, name, value, options))
}

function randomNonce(keyring: Keyring): Uint8Array {
  const nonce = keyring.random(new Uint8Array(NONCE_BYTES))
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) {
    throw new ConfigError(
      'INVALID_OPTION',
      `random must return the ${NONCE_BYTES}-byte buffer it is given, filled`,
    )
  }
  return nonce
}

/** `sealValue`, returning the token itself when the back-end is synchronous. */
export function sealValueMaybe(
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions = {},
): MaybePromise<string> {
  checkValue(name, value)
  return chain(keyring.keys(), ({ newest: key }) => {
    const prefix = `${SEALED_PREFIX}${key.id}`
    if (key.sealer.sealText && typeof value === 'string' && !options.compress) {
      const now = resolveNow(options.now)
      const expiresAt = expiryFor(now, options.maxAge)
      const nonce = randomNonce(keyring)
      return `${prefix}.${key.sealer.sealText(nonce, envelopeHeader(now, expiresAt), value, bindNameText(name, prefix))}`
    }
    return chain(packEnvelope(value, options, keyring.backend), (envelope) => {
      const nonce = randomNonce(keyring)
      return chain(key.sealer.seal(nonce, envelope, bindName(name, prefix)), (sealed) => {
        const blob = new Uint8Array(NONCE_BYTES + sealed.length)
        blob.set(nonce, 0)
        blob.set(sealed, NONCE_BYTES)
        return `${prefix}.${encodeBase64Url(blob)}`
      })
    })
  })
}

/**
 * Opens a token from `sealValue`. Never throws for any `token`: bad input is `{ ok: false, reason
 * }`. Throws `ConfigError` `INVALID_OPTION` only for an invalid `options.now`.
 */
export function unsealValue(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): Promise<OpenResult> {
  return toPromise(() => unsealValueMaybe(keyring, name, token, options))
}

/** `unsealValue`, returning the result itself when the back-end is synchronous. */
export function unsealValueMaybe(
  keyring: Keyring,
  name: string,
  token: string,
  options: VerifyOptions = {},
): MaybePromise<OpenResult> {
  // Checked first so that a bad `now` throws whatever the token, never only for authentic ones.
  const now = resolveNow(options.now)
  const kind = tokenKind(token, SEALED_PREFIX)
  if (kind !== 'ok') return { ok: false, reason: kind }
  // The shape of docs/format.md §1 by lengths, before any key is looked up: an 8-character key id
  // and a blob of at least 50 characters (nonce, envelope header and tag: 37 bytes).
  const idEnd = SEALED_PREFIX.length + KEY_ID_LENGTH
  if (
    token.charCodeAt(idEnd) !== DOT ||
    token.indexOf('.', SEALED_PREFIX.length) !== idEnd ||
    token.length - idEnd - 1 < MIN_BLOB_TEXT_LENGTH
  ) {
    return { ok: false, reason: 'malformed' }
  }
  const prefix = token.slice(0, idEnd)
  return chain(keyring.keys(), (loaded): MaybePromise<OpenResult> => {
    const key = loaded.byId.get(prefix.slice(SEALED_PREFIX.length))
    if (!key) return { ok: false, reason: 'unknown_key' }
    const blob = (keyring.backend.decodeBase64Url ?? decodeBase64Url)(token.slice(idEnd + 1))
    if (!blob || blob.length < NONCE_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' }
    const nonce = blob.subarray(0, NONCE_BYTES)
    const sealed = blob.subarray(NONCE_BYTES)
    const envelope = key.sealer.openText
      ? key.sealer.openText(nonce, sealed, bindNameText(name, prefix))
      : key.sealer.open(nonce, sealed, bindName(name, prefix))
    return chain(envelope, (opened) =>
      opened
        ? unpackEnvelope(opened, key.index !== 0, now, keyring.backend)
        : { ok: false, reason: 'bad_signature' },
    )
  })
}
