import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto'
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from 'node:zlib'
import type {
  AesGcm,
  CompressionFormat,
  CryptoBackend,
  DecompressFailure,
  HashAlgorithm,
  Hmac,
} from './backend.ts'

const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1' }
const EMPTY = new Uint8Array(0)

function importHmac(hash: HashAlgorithm, key: Uint8Array): Hmac {
  const algorithm = NODE_HASH[hash]
  const keyObject = createSecretKey(key)
  const mac = (data: Uint8Array) => createHmac(algorithm, keyObject).update(data).digest()
  return {
    sign: mac,
    verify: (data, expected) => {
      const actual = mac(data)
      return actual.length === expected.length && timingSafeEqual(actual, expected)
    },
    signText: (data) => createHmac(algorithm, keyObject).update(data, 'utf8').digest('base64url'),
    verifyText: (data, expected) =>
      equalText(
        createHmac(algorithm, keyObject).update(data, 'utf8').digest('base64url'),
        expected,
      ),
  }
}

/** Constant-time in the contents: every code unit is compared, whatever differs first. */
function equalText(actual: string, expected: string): boolean {
  if (actual.length !== expected.length) return false
  let difference = 0
  for (let i = 0; i < actual.length; i++)
    difference |= actual.charCodeAt(i) ^ expected.charCodeAt(i)
  return difference === 0
}

function importAesGcm(key: Uint8Array): AesGcm {
  const keyObject = createSecretKey(key)
  return {
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
      return out
    },
    open(nonce, sealed, additionalData) {
      if (sealed.length < 16) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyObject, nonce)
        decipher.setAAD(additionalData)
        decipher.setAuthTag(sealed.subarray(sealed.length - 16))
        const head = decipher.update(sealed.subarray(0, sealed.length - 16))
        const tail = decipher.final()
        return tail.length === 0 ? head : Buffer.concat([head, tail])
      } catch {
        return null
      }
    },
    sealText(nonce, head, text, additionalData) {
      const cipher = createCipheriv('aes-256-gcm', keyObject, nonce)
      cipher.setAAD(Buffer.from(additionalData, 'utf8'))
      const first = cipher.update(head)
      const second = cipher.update(text, 'utf8')
      const tail = cipher.final()
      const tag = cipher.getAuthTag()
      return Buffer.concat([nonce, first, second, tail, tag]).toString('base64url')
    },
    openText(nonce, sealed, additionalData) {
      if (sealed.length < 16) return null
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyObject, nonce)
        decipher.setAAD(Buffer.from(additionalData, 'utf8'))
        decipher.setAuthTag(sealed.subarray(sealed.length - 16))
        const head = decipher.update(sealed.subarray(0, sealed.length - 16))
        const tail = decipher.final()
        return tail.length === 0 ? head : Buffer.concat([head, tail])
      } catch {
        return null
      }
    },
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/
const BASE64URL_VALUE = new Int8Array(128).fill(-1)
for (const [index, char] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  BASE64URL_VALUE[char.charCodeAt(0)] = index
}

/**
 * Strict: only canonical unpadded base64url decodes. Buffer skips characters outside the alphabet
 * and ignores the unused low bits of the last character, so both are checked first: text in the
 * alphabet whose last character carries no stray bits is exactly what encoding gives back.
 */
function decodeBase64Url(text: string): Uint8Array | null {
  const tail = text.length % 4
  if (tail === 1 || !BASE64URL.test(text)) return null
  if (tail !== 0) {
    const last = BASE64URL_VALUE[text.charCodeAt(text.length - 1)] as number
    if (last & (tail === 2 ? 0b1111 : 0b11)) return null
  }
  return Buffer.from(text, 'base64url')
}

function compress(data: Uint8Array, format: CompressionFormat): Uint8Array {
  return format === 'deflate' ? deflateSync(data) : deflateRawSync(data)
}

interface Inflated {
  buffer: Buffer
  /** `bytesWritten` is the input the inflater consumed, up to the end of the stream. */
  engine: { bytesWritten: number }
}

function decompress(
  data: Uint8Array,
  format: CompressionFormat,
  maxLength: number,
): Uint8Array | DecompressFailure {
  try {
    // zlib stops at the end of the stream and ignores what follows; `info` reports how much it
    // read, so bytes after the stream (authentic, but never written by any writer) are refused.
    const options = { maxOutputLength: maxLength, info: true }
    const { buffer, engine } = (format === 'deflate'
      ? inflateSync(data, options)
      : inflateRawSync(data, options)) as unknown as Inflated
    return engine.bytesWritten === data.length ? buffer : null
  } catch (error) {
    // One inflate tells the two failures apart: zlib stops at the limit with this code.
    return (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too_large' : null
  }
}

export const backend: CryptoBackend = {
  name: 'node',
  synchronous: true,
  hkdf: (secret, info, length) => new Uint8Array(hkdfSync('sha256', secret, EMPTY, info, length)),
  importHmac,
  importAesGcm,
  compress,
  decompress,
  encodeTextBase64Url: (text) => Buffer.from(text, 'utf8').toString('base64url'),
  decodeBase64Url,
}
