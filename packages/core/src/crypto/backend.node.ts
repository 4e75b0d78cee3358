import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto'
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib'
import type { AesGcm, CompressionFormat, CryptoBackend, HashAlgorithm, Hmac } from './backend.ts'

const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1' }
const EMPTY = new Uint8Array(0)

function importHmac(hash: HashAlgorithm, key: Uint8Array): Promise<Hmac> {
  const algorithm = NODE_HASH[hash]
  const keyObject = createSecretKey(key)
  const mac = (data: Uint8Array) => createHmac(algorithm, keyObject).update(data).digest()
  return Promise.resolve({
    sign: (data) => Promise.resolve(mac(data)),
    verify: (data, expected) => {
      const actual = mac(data)
      return Promise.resolve(actual.length === expected.length && timingSafeEqual(actual, expected))
    },
  })
}

function importAesGcm(key: Uint8Array): Promise<AesGcm> {
  const keyObject = createSecretKey(key)
  return Promise.resolve({
    seal(nonce, plaintext, additionalData) {
      const cipher = createCipheriv('aes-256-gcm', keyObject, nonce)
      cipher.setAAD(additionalData)
      const head = cipher.update(plaintext)
      const tail = cipher.final()
      const tag = cipher.getAuthTag()
      const out = new Uint8Array(head.length + tail.length + tag.length)
      out.set(head, 0)
      out.set(tail, head.length)
      out.set(tag, head.length + tail.length)
      return Promise.resolve(out)
    },
    open(nonce, sealed, additionalData) {
      if (sealed.length < 16) return Promise.resolve(null)
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyObject, nonce)
        decipher.setAAD(additionalData)
        decipher.setAuthTag(sealed.subarray(sealed.length - 16))
        const head = decipher.update(sealed.subarray(0, sealed.length - 16))
        const tail = decipher.final()
        return Promise.resolve(tail.length === 0 ? head : Buffer.concat([head, tail]))
      } catch {
        return Promise.resolve(null)
      }
    },
  })
}

function compress(data: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  return Promise.resolve(format === 'deflate' ? deflateSync(data) : deflateRawSync(data))
}

function decompress(
  data: Uint8Array,
  format: CompressionFormat,
  maxLength: number,
): Promise<Uint8Array | null> {
  try {
    const options = { maxOutputLength: maxLength }
    return Promise.resolve(format === 'deflate' ? inflateSync(data, options) : inflateRawSync(data, options))
  } catch {
    return Promise.resolve(null)
  }
}

export const backend: CryptoBackend = {
  name: 'node',
  hkdf: (secret, info, length) =>
    Promise.resolve(new Uint8Array(hkdfSync('sha256', secret, EMPTY, info, length))),
  importHmac,
  importAesGcm,
  compress,
  decompress,
}
