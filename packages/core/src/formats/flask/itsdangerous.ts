/**
 * The parts of itsdangerous 2.x that Flask's `SecureCookieSessionInterface` uses:
 * `URLSafeTimedSerializer(secret_key, salt='cookie-session', serializer=<tagged JSON>,
 * signer_kwargs={'key_derivation': 'hmac', 'digest_method': hashlib.sha1})`.
 *
 * Wire form: `<payload>.<timestamp>.<signature>`, all base64url without padding, where
 * - payload is base64url(JSON), or `.` + base64url(zlib(JSON)) when that is shorter by 2 bytes or more
 *   (`URLSafeSerializerMixin.dump_payload`: `len(compressed) < len(json) - 1`);
 * - timestamp is the big-endian Unix time in seconds with leading zero bytes stripped (`int_to_bytes`);
 * - signature is HMAC-SHA1(key, `<payload>.<timestamp>`) with key = HMAC-SHA1(secret, salt)
 *   (`Signer.derive_key` with `key_derivation='hmac'`).
 */
import type { CryptoBackend, Hmac } from '../../crypto/backend.ts'
import { decodeBase64Url, encodeBase64Url } from '../../crypto/base64url.ts'

const encoder = new TextEncoder()
const SIGNATURE_BYTES = 20 // SHA-1
const WIRE_ALPHABET = /^[A-Za-z0-9_.-]*$/
/** Deflate cannot expand data more than 1032 times (RFC 1951 block limits); used to tell "too large" from corrupt. */
const MAX_DEFLATE_RATIO = 1032

export interface TimestampSignerOptions {
  /** Newest first: the first signs, every one verifies (the reverse of itsdangerous's list order). */
  secrets: readonly string[]
  salt: string
  backend: CryptoBackend
}

export type UnsignResult =
  | { ok: true; value: string; timestamp: number; keyIndex: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' }

export interface TimestampSigner {
  /** `TimestampSigner.sign`: appends `.<timestamp>.<signature>` to `value` (which must be ASCII). */
  sign(value: string, timestamp: number): Promise<string>
  /** `TimestampSigner.unsign` without the age check: which key verified and the signed timestamp. */
  unsign(signed: string): Promise<UnsignResult>
}

/** `base64_encode(int_to_bytes(n))`: big-endian, leading zero bytes stripped (0 is the empty string). */
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
 * allows them. Values past 2^53 lose precision, which only matters for "is it in the future": it is.
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
  const keys: Promise<Hmac>[] = []

  const derive = async (secret: string) => {
    const outer = await backend.importHmac('SHA-1', encoder.encode(secret))
    return backend.importHmac('SHA-1', await outer.sign(salt))
  }
  const key = (index: number) => (keys[index] ??= derive(secrets[index] as string))

  return {
    async sign(value, timestamp) {
      const signed = `${value}.${encodeTimestamp(timestamp)}`
      const mac = await (await key(0)).sign(encoder.encode(signed))
      return `${signed}.${encodeBase64Url(mac)}`
    },

    async unsign(signed) {
      if (typeof signed !== 'string' || !WIRE_ALPHABET.test(signed))
        return { ok: false, reason: 'malformed' }
      const macAt = signed.lastIndexOf('.')
      const timestampAt = macAt < 0 ? -1 : signed.lastIndexOf('.', macAt - 1)
      if (timestampAt < 0) return { ok: false, reason: 'malformed' }
      const mac = decodeBase64Url(signed.slice(macAt + 1))
      if (!mac || mac.length !== SIGNATURE_BYTES) return { ok: false, reason: 'bad_signature' }
      const data = encoder.encode(signed.slice(0, macAt))
      let keyIndex = -1
      // Newest first, as itsdangerous tries `reversed(secret_keys)`.
      for (let i = 0; i < secrets.length; i++) {
        if (await (await key(i)).verify(data, mac)) {
          keyIndex = i
          break
        }
      }
      if (keyIndex < 0) return { ok: false, reason: 'bad_signature' }
      const timestamp = decodeTimestamp(signed.slice(timestampAt + 1, macAt))
      if (timestamp === null) return { ok: false, reason: 'malformed' }
      return { ok: true, value: signed.slice(0, timestampAt), timestamp, keyIndex }
    },
  }
}

/** `URLSafeSerializerMixin.dump_payload` for a JSON text that is ASCII (Flask's `ensure_ascii`). */
export async function encodePayload(json: string, backend: CryptoBackend): Promise<string> {
  const bytes = encoder.encode(json)
  const compressed = await backend.compress(bytes, 'deflate')
  return compressed.length < bytes.length - 1
    ? `.${encodeBase64Url(compressed)}`
    : encodeBase64Url(bytes)
}

export type PayloadResult =
  | { ok: true; json: string }
  | { ok: false; reason: 'malformed' | 'too_large' }

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * `URLSafeSerializerMixin.load_payload` up to the JSON text: base64url, then zlib when the payload
 * starts with `.`, then strict UTF-8. Inflating past `maxBytes` is `too_large` (Python has no limit).
 * Only ever called on a payload whose signature verified, so a key holder wrote it.
 */
export async function decodePayload(
  payload: string,
  backend: CryptoBackend,
  maxBytes: number,
): Promise<PayloadResult> {
  const compressed = payload.startsWith('.')
  let bytes = decodeBase64Url(compressed ? payload.slice(1) : payload)
  if (!bytes) return { ok: false, reason: 'malformed' }
  if (compressed) {
    const deflated = bytes
    bytes = await backend.decompress(deflated, 'deflate', maxBytes)
    if (!bytes) {
      // Corrupt, or over the limit? Inflate again under the bound deflate itself cannot exceed.
      const bound = deflated.length * MAX_DEFLATE_RATIO + 1024
      const probe = bound > maxBytes ? await backend.decompress(deflated, 'deflate', bound) : null
      return { ok: false, reason: probe ? 'too_large' : 'malformed' }
    }
  }
  if (bytes.length > maxBytes) return { ok: false, reason: 'too_large' }
  try {
    return { ok: true, json: utf8.decode(bytes) }
  } catch {
    return { ok: false, reason: 'malformed' }
  }
}
