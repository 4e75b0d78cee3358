/**
 * The one seam between core and a crypto implementation. Two implementations exist:
 * `backend.web.ts` (Web Crypto + CompressionStream: Bun, Deno, workers, browsers) and
 * `backend.node.ts` (node:crypto + node:zlib, ~20x faster on Node because it is synchronous). The
 * package's `imports` map (`#crypto-backend`) picks one by export condition, never by sniffing
 * globals.
 *
 * Every method may answer with a value or a promise (`MaybePromise`): the Node back-end answers
 * with values and says so with `synchronous`, which lets sessions be read and written without
 * waiting; Web Crypto answers with promises. The optional `*Text` methods and base64url helpers are
 * fast paths a back-end may offer (the Node one does); core uses them when present, the byte path
 * otherwise.
 */
import type { MaybePromise } from '../maybePromise.ts'

export type HashAlgorithm = 'SHA-256' | 'SHA-1'
export type CompressionFormat = 'deflate' | 'deflate-raw'
/** `decompress` gave no bytes: `null` for data that is not one valid stream, or over the limit. */
export type DecompressFailure = null | 'too_large'

export interface Hmac {
  sign(data: Uint8Array): MaybePromise<Uint8Array>
  /** Constant-time comparison of `mac` against the MAC of `data`. */
  verify(data: Uint8Array, mac: Uint8Array): MaybePromise<boolean>
  /**
   * Optional synchronous fast path: the base64url (unpadded) MAC of the UTF-8 encoding of `data`.
   * Must equal `encodeBase64Url(await sign(utf8(data)))`.
   */
  signText?(data: string): string
  /**
   * Optional synchronous fast path: whether `mac` is exactly `signText(data)`, compared in constant
   * time. A non-canonical encoding of the right MAC is `false`: callers tell it apart afterwards.
   */
  verifyText?(data: string, mac: string): boolean
}

export interface AesGcm {
  /** Returns ciphertext followed by the 16-byte tag. */
  seal(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    additionalData: Uint8Array,
  ): MaybePromise<Uint8Array>
  /** Returns the plaintext, or `null` when the tag does not authenticate. */
  open(
    nonce: Uint8Array,
    sealed: Uint8Array,
    additionalData: Uint8Array,
  ): MaybePromise<Uint8Array | null>
  /**
   * Optional synchronous fast path: seals `head` followed by the UTF-8 encoding of `text`, with the
   * UTF-8 encoding of `additionalData` as AAD, and returns base64url(nonce | ciphertext | tag).
   */
  sealText?(nonce: Uint8Array, head: Uint8Array, text: string, additionalData: string): string
  /** Optional synchronous fast path: `open` with the UTF-8 encoding of `additionalData` as AAD. */
  openText?(nonce: Uint8Array, sealed: Uint8Array, additionalData: string): Uint8Array | null
}

export interface CryptoBackend {
  readonly name: 'node' | 'web'
  /**
   * True when every method (and every method of the keys it imports) returns its value rather than
   * a promise. Sessions are then read and written synchronously, and Express never holds a
   * response.
   */
  readonly synchronous?: boolean
  /** HKDF-SHA256 with an empty salt. */
  hkdf(secret: Uint8Array, info: string, length: number): MaybePromise<Uint8Array>
  /** Imports the key once; keep the returned object rather than calling again per value. */
  importHmac(hash: HashAlgorithm, key: Uint8Array): MaybePromise<Hmac>
  /** Imports an AES-256-GCM key once (32 bytes). */
  importAesGcm(key: Uint8Array): MaybePromise<AesGcm>
  compress(data: Uint8Array, format: CompressionFormat): MaybePromise<Uint8Array>
  /**
   * Inflates `data`, which must be exactly one compressed stream: `null` when it is not (corrupt,
   * truncated, or followed by any byte after the stream's end), `'too_large'` when the output
   * would pass `maxLength` bytes. Inflating stops at the limit: it never allocates past it.
   */
  decompress(
    data: Uint8Array,
    format: CompressionFormat,
    maxLength: number,
  ): MaybePromise<Uint8Array | DecompressFailure>
  /** Optional native base64url (unpadded) of the UTF-8 encoding of `text`. */
  readonly encodeTextBase64Url?: (text: string) => string
  /** Optional native strict base64url decoding: same results as the core's `decodeBase64Url`. */
  readonly decodeBase64Url?: (text: string) => Uint8Array | null
}
