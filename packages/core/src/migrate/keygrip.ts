import { decodeBase64Url } from '../crypto/base64url.ts'
import { invalidOption } from './common.ts'

/** The HMACs `new Keygrip(keys, algorithm)` may use; keygrip's default (theirs too) is sha1. */
export type KeygripAlgorithm = 'sha1' | 'sha256' | 'sha512'
export type KeygripKey = string | Uint8Array

const HASH: Record<KeygripAlgorithm, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
}
const encoder = new TextEncoder()

/**
 * keygrip's `index(data, digest) >= 0`: whether `digest` is the HMAC of `data` under one of `keys`,
 * in keygrip's encoding (base64 with `+/` as `-_` and no padding: base64url). Web Crypto, imported
 * once per reader; compared in constant time by `subtle.verify`.
 */
export function createKeygripVerifier(
  reader: string,
  keys: unknown,
  algorithm: unknown = 'sha1',
): (data: string, digest: string) => Promise<boolean> {
  const valid =
    Array.isArray(keys) &&
    keys.length > 0 &&
    keys.every((key) => (typeof key === 'string' || key instanceof Uint8Array) && key.length > 0)
  if (!valid)
    throw invalidOption(
      reader,
      'keys',
      'a non-empty array of non-empty strings (the keys of its Keygrip)',
    )
  if (typeof algorithm !== 'string' || !Object.hasOwn(HASH, algorithm))
    throw invalidOption(reader, 'algorithm', "'sha1', 'sha256' or 'sha512'")
  const hash = HASH[algorithm as KeygripAlgorithm]
  const raw = (keys as KeygripKey[]).map((key) =>
    typeof key === 'string' ? encoder.encode(key) : key.slice(),
  )
  let imported: Promise<CryptoKey[]> | undefined
  return async (data, digest) => {
    const mac = decodeBase64Url(digest)
    if (mac === null) return false
    imported ??= Promise.all(
      raw.map((key) =>
        crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['verify']),
      ),
    )
    const message = encoder.encode(data)
    for (const key of await imported) {
      if (await crypto.subtle.verify('HMAC', key, mac as Uint8Array<ArrayBuffer>, message))
        return true
    }
    return false
  }
}
