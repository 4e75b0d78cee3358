/**
 * The Web Crypto back-end, also published as `@cookietin/core/web-crypto` for apps that want it on
 * Node too (to check both agree, or where `node:crypto` is not allowed): `cookietin({ secrets,
 * backend: webCrypto })` with `import { backend as webCrypto } from '@cookietin/core/web-crypto'`.
 * Its crypto calls return promises, so Express then holds each response for its commit (with
 * backpressure).
 */
import type { AesGcm, CompressionFormat, CryptoBackend, HashAlgorithm, Hmac } from './backend.ts'
import { inflate } from './inflate.ts'

const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)

// Web Crypto's typings want ArrayBuffer-backed views; ours always are, but TS cannot know it.
type Bytes = Uint8Array<ArrayBuffer>
const bytes = (view: Uint8Array) => view as Bytes

async function hkdf(secret: Uint8Array, info: string, length: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', bytes(secret), 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: EMPTY, info: encoder.encode(info) },
    key,
    length * 8,
  )
  return new Uint8Array(bits)
}

async function importHmac(hash: HashAlgorithm, raw: Uint8Array): Promise<Hmac> {
  const key = await crypto.subtle.importKey('raw', bytes(raw), { name: 'HMAC', hash }, false, [
    'sign',
    'verify',
  ])
  return {
    sign: async (data) => new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes(data))),
    // subtle.verify compares in constant time.
    verify: (data, mac) => crypto.subtle.verify('HMAC', key, bytes(mac), bytes(data)),
  }
}

async function importAesGcm(raw: Uint8Array): Promise<AesGcm> {
  const key = await crypto.subtle.importKey('raw', bytes(raw), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ])
  return {
    seal: async (nonce, plaintext, additionalData) =>
      new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv: bytes(nonce), additionalData: bytes(additionalData) },
          key,
          bytes(plaintext),
        ),
      ),
    open: async (nonce, sealed, additionalData) => {
      try {
        return new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: bytes(nonce), additionalData: bytes(additionalData) },
            key,
            bytes(sealed),
          ),
        )
      } catch {
        return null
      }
    },
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

function pipe(data: Uint8Array, transform: CompressionStream) {
  const writer = transform.writable.getWriter()
  // Errors surface on the readable side; swallow them here so they are not unhandled.
  writer.write(bytes(data)).catch(() => undefined)
  writer.close().catch(() => undefined)
  return transform.readable as ReadableStream<Uint8Array>
}

function compress(data: Uint8Array, format: CompressionFormat): Promise<Uint8Array> {
  return readAll(pipe(data, new CompressionStream(format)))
}

export const backend: CryptoBackend = {
  name: 'web',
  hkdf,
  importHmac,
  importAesGcm,
  compress,
  // Not DecompressionStream: some runtimes' (Node 20's) ignore bytes after the end of the stream,
  // and it cannot say why it failed. inflate.ts refuses them and stops at the limit, in one pass.
  decompress: inflate,
}
