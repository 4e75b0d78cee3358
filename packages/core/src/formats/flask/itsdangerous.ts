/**
 * The parts of itsdangerous 2.x that Flask's `SecureCookieSessionInterface` uses:
 * `URLSafeTimedSerializer(secret_key, salt='cookie-session', serializer=<tagged JSON>,
 * signer_kwargs={'key_derivation': 'hmac', 'digest_method': hashlib.sha1})`.
 *
 * Wire form: `<payload>.<timestamp>.<signature>`, all base64url without padding, where
 * - payload is base64url(JSON), or `.` + base64url(zlib(JSON)) when that is shorter by 2 bytes or
 *   more (`URLSafeSerializerMixin.dump_payload`: `len(compressed) < len(json) - 1`);
 * - timestamp is the big-endian Unix time in seconds with leading zero bytes stripped
 *   (`int_to_bytes`);
 * - signature is HMAC-SHA1(key, `<payload>.<timestamp>`) with key = HMAC-SHA1(secret, salt)
 *   (`Signer.derive_key` with `key_derivation='hmac'`).
 */
import type { CryptoBackend, Hmac } from '../../crypto/backend.ts'
import { decodeBase64Url, encodeBase64Url } from '../../crypto/base64url.ts'
import { type MaybePromise, chain } from '../../maybePromise.ts'

const encoder = new TextEncoder()
const SIGNATURE_BYTES = 20 // SHA-1
const WIRE_ALPHABET = /^[A-Za-z0-9_.-]*$/

export interface TimestampSignerOptions {
  /**
   * Newest first: the first signs, every one verifies (the reverse of itsdangerous's list order).
   */
  secrets: readonly string[]
  salt: string
  backend: CryptoBackend
}

type UnsignResult =
  | { ok: true; value: string; timestamp: number; keyIndex: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' }

export interface TimestampSigner {
  /**
   * `TimestampSigner.sign`: appends `.<timestamp>.<signature>` to `value` (which must be ASCII).
   */
  sign(value: string, timestamp: number): MaybePromise<string>
  /**
   * `TimestampSigner.unsign` without the age check: which key verified and the signed timestamp.
   */
  unsign(signed: string): MaybePromise<UnsignResult>
}

/**
 * `base64_encode(int_to_bytes(n))`: big-endian, leading zero bytes stripped (0 is the empty
 * string).
 */
export function encodeTimestamp(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(
      `A timestamp must be a non-negative integer number of seconds; got ${String(seconds)}`,
    )
  }
  const bytes: number[] = []
  for (let n = seconds; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return encodeBase64Url(Uint8Array.from(bytes))
}

/**
 * `bytes_to_int(base64_decode(text))`: up to 8 bytes, leading zero bytes allowed as itsdangerous
 * allows them. Values past 2^53 lose precision, which only matters for "is it in the future": it
 * is.
 */
export function decodeTimestamp(text: string): number | null {
  const bytes = decodeBase64Url(text)
  if (!bytes || bytes.length > 8) return null
  let n = 0
  for (const byte of bytes) n = n * 256 + byte
  return n
}

/**
 * A signer for one secrets list. The derived HMAC keys are imported once per secret, on first use,
 * and kept for the signer's lifetime.
 */
export function createTimestampSigner(options: TimestampSignerOptions): TimestampSigner {
  const { backend, secrets } = options
  const salt = encoder.encode(options.salt)
  const keys: MaybePromise<Hmac>[] = []

  const derive = (secret: string) =>
    chain(backend.importHmac('SHA-1', encoder.encode(secret)), (outer) =>
      chain(outer.sign(salt), (derived) => backend.importHmac('SHA-1', derived)),
    )
  const key = (index: number) => (keys[index] ??= derive(secrets[index] as string))

  return {
    sign(value, timestamp) {
      const signed = `${value}.${encodeTimestamp(timestamp)}`
      return chain(key(0), (hmac) =>
        chain(hmac.sign(encoder.encode(signed)), (mac) => `${signed}.${encodeBase64Url(mac)}`),
      )
    },

    unsign(signed) {
      if (typeof signed !== 'string' || !WIRE_ALPHABET.test(signed))
        return { ok: false, reason: 'malformed' }
      const macAt = signed.lastIndexOf('.')
      const timestampAt = macAt < 0 ? -1 : signed.lastIndexOf('.', macAt - 1)
      if (timestampAt < 0) return { ok: false, reason: 'malformed' }
      const mac = decodeBase64Url(signed.slice(macAt + 1))
      if (!mac || mac.length !== SIGNATURE_BYTES) return { ok: false, reason: 'bad_signature' }
      const data = encoder.encode(signed.slice(0, macAt))
      const verified = (keyIndex: number): UnsignResult => {
        const timestamp = decodeTimestamp(signed.slice(timestampAt + 1, macAt))
        if (timestamp === null) return { ok: false, reason: 'malformed' }
        return { ok: true, value: signed.slice(0, timestampAt), timestamp, keyIndex }
      }
      // Newest first, as itsdangerous tries `reversed(secret_keys)`.
      const tryKey = (index: number): MaybePromise<UnsignResult> => {
        if (index >= secrets.length) return { ok: false, reason: 'bad_signature' }
        return chain(key(index), (hmac) =>
          chain(hmac.verify(data, mac), (valid) => (valid ? verified(index) : tryKey(index + 1))),
        )
      }
      return tryKey(0)
    },
  }
}

/** `URLSafeSerializerMixin.dump_payload` for a JSON text that is ASCII (Flask's `ensure_ascii`). */
export function encodePayload(json: string, backend: CryptoBackend): MaybePromise<string> {
  const bytes = encoder.encode(json)
  return chain(backend.compress(bytes, 'deflate'), (compressed) =>
    compressed.length < bytes.length - 1
      ? `.${encodeBase64Url(compressed)}`
      : encodeBase64Url(bytes),
  )
}

export type PayloadResult =
  | { ok: true; json: string }
  | { ok: false; reason: 'malformed' | 'too_large' }

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * `URLSafeSerializerMixin.load_payload` up to the JSON text: base64url, then zlib when the payload
 * starts with `.`, then strict UTF-8. Inflating past `maxBytes` is `too_large` (Python has no
 * limit). Only ever called on a payload whose signature verified, so a key holder wrote it.
 */
export function decodePayload(
  payload: string,
  backend: CryptoBackend,
  maxBytes: number,
): MaybePromise<PayloadResult> {
  const compressed = payload.startsWith('.')
  const bytes = decodeBase64Url(compressed ? payload.slice(1) : payload)
  if (!bytes) return { ok: false, reason: 'malformed' }
  const decoded = (text: Uint8Array): PayloadResult => {
    if (text.length > maxBytes) return { ok: false, reason: 'too_large' }
    try {
      return { ok: true, json: utf8.decode(text) }
    } catch {
      return { ok: false, reason: 'malformed' }
    }
  }
  if (!compressed) return decoded(bytes)
  // One inflate, stopped at the limit; the back-end says whether it stopped there or on bad data.
  return chain(backend.decompress(bytes, 'deflate', maxBytes), (inflated) =>
    inflated instanceof Uint8Array
      ? decoded(inflated)
      : { ok: false, reason: inflated === 'too_large' ? 'too_large' : 'malformed' },
  )
}
