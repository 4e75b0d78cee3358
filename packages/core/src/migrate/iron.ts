import { decodeBase64Url } from '../crypto/base64url.ts'
import type { InvalidReason } from '../crypto/envelope.ts'

/**
 * Opens an iron seal (`Fe26.2`, as @hapi/iron and iron-webcrypto make it for iron-session) with
 * iron's default options, on Web Crypto:
 *   Fe26.2*<password id>*<encryption salt>*<iv>*<ciphertext>*<expiration ms>*<hmac salt>*<hmac>
 * Keys are PBKDF2-SHA1 of the password with the salt text, 1 iteration, 256 bits; the HMAC is
 * HMAC-SHA256 over the first six fields; the data is AES-256-CBC encrypted JSON.
 */

export type IronResult = { ok: true; value: unknown } | { ok: false; reason: InvalidReason }

/** Iron's `timestampSkewSec`: a seal is still good this long after its expiration. */
const SKEW_MS = 60_000
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const MALFORMED: IronResult = { ok: false, reason: 'malformed' }

type Bytes = Uint8Array<ArrayBuffer>

/** An unsealer for one password map (`{ id: password }`; iron looks up `'default'` for no id). */
export function createIronUnsealer(
  passwords: ReadonlyMap<string, string>,
): (sealed: string, now: number) => Promise<IronResult> {
  const imported = new Map<string, Promise<CryptoKey>>()
  const passwordKey = (password: string) => {
    let key = imported.get(password)
    if (!key) {
      key = crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey'])
      imported.set(password, key)
    }
    return key
  }
  const derive = async (
    password: string,
    salt: string,
    algorithm: HmacImportParams | AesDerivedKeyParams,
    usage: KeyUsage,
  ) =>
    crypto.subtle.deriveKey(
      { name: 'PBKDF2', hash: 'SHA-1', salt: encoder.encode(salt), iterations: 1 },
      await passwordKey(password),
      algorithm,
      false,
      [usage],
    )

  return async (sealed, now) => {
    const parts = sealed.split('*')
    if (parts.length !== 8 || parts[0] !== 'Fe26.2') return MALFORMED
    const [, id, encryptionSalt, ivText, encryptedText, expiration, hmacSalt, hmacText] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ]
    const password = passwords.get(id || 'default')
    if (password === undefined) return { ok: false, reason: 'unknown_key' }
    const iv = decodeBase64Url(ivText)
    const encrypted = decodeBase64Url(encryptedText)
    const mac = decodeBase64Url(hmacText)
    if (!iv || !encrypted || !mac || !/^([1-9]\d*)?$/.test(expiration)) return MALFORMED
    try {
      const integrity = await derive(
        password,
        hmacSalt,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        'verify',
      )
      const signed = encoder.encode(parts.slice(0, 6).join('*'))
      if (!(await crypto.subtle.verify('HMAC', integrity, mac as Bytes, signed)))
        return { ok: false, reason: 'bad_signature' }
      if (expiration !== '' && Number(expiration) <= now - SKEW_MS)
        return { ok: false, reason: 'expired' }
      const key = await derive(
        password,
        encryptionSalt,
        { name: 'AES-CBC', length: 256 },
        'decrypt',
      )
      const plaintext = await crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: iv as Bytes },
        key,
        encrypted as Bytes,
      )
      return { ok: true, value: JSON.parse(decoder.decode(plaintext)) as unknown }
    } catch {
      // A wrong-sized IV, bad padding or bad JSON under a valid HMAC: not what iron writes.
      return MALFORMED
    }
  }
}
