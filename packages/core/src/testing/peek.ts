/**
 * Reading what a cookie value says about itself without any secret: which format it is, its key id,
 * its times and, for the readable formats (signed and Flask), its payload. Nothing here is
 * verified: it is for display, debugging and tests; `inspectCookie` verifies when given secrets.
 */
import { decodeBase64Url } from '@cookietin/core'

export type CookieKind = 'sealed' | 'signed' | 'flask' | 'plain'

/**
 * Most bytes a compressed payload may inflate to here (the native format's limit, docs/format.md
 * §9).
 */
const MAX_INFLATED_BYTES = 1 << 20
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const B64 = /^[A-Za-z0-9_-]+$/

export interface Peeked {
  kind: CookieKind
  /** The native key id (`s1.`/`e1.`), else null. */
  keyId: string | null
  /**
   * Unix seconds, as the token says (unauthenticated); null when it does not say or cannot be read.
   */
  issuedAt: number | null
  /** Unix seconds; null for no expiry or unknown (Flask's lifetime is a server setting). */
  expiresAt: number | null
  compressed: boolean
  /** The payload text when readable without a secret (signed, Flask, plain). */
  text: string | null
  /** Why a value that looks like a token cannot be read (`malformed`), else null. */
  problem: string | null
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] as number) * 0x1000000 +
      (((bytes[offset + 1] as number) << 16) |
        ((bytes[offset + 2] as number) << 8) |
        (bytes[offset + 3] as number))) >>>
    0
  )
}

/** Inflates with the web-standard DecompressionStream, stopping at the limit. */
async function inflate(
  bytes: Uint8Array,
  format: 'deflate' | 'deflate-raw',
): Promise<Uint8Array | null> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream(format))
    const reader = stream.getReader()
    const parts: Uint8Array[] = []
    let size = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > MAX_INFLATED_BYTES) {
        await reader.cancel()
        return null
      }
      parts.push(value)
    }
    const out = new Uint8Array(size)
    let at = 0
    for (const part of parts) {
      out.set(part, at)
      at += part.length
    }
    return out
  } catch {
    return null
  }
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes)
  } catch {
    return null
  }
}

const empty = (kind: CookieKind, problem: string | null): Peeked => ({
  kind,
  keyId: null,
  issuedAt: null,
  expiresAt: null,
  compressed: false,
  text: null,
  problem,
})

/** The envelope of docs/format.md §4: flags, issued-at, expires-at, data. */
async function readEnvelope(envelope: Uint8Array, into: Peeked): Promise<void> {
  const flags = envelope[0] as number
  if (envelope.length < 9 || (flags & ~1) !== 0) {
    into.problem = 'malformed'
    return
  }
  into.issuedAt = readU32(envelope, 1)
  const expiresAt = readU32(envelope, 5)
  into.expiresAt = expiresAt === 0 ? null : expiresAt
  into.compressed = (flags & 1) === 1
  const data = into.compressed
    ? await inflate(envelope.subarray(9), 'deflate-raw')
    : envelope.subarray(9)
  into.text = data ? utf8(data) : null
  if (into.text === null) into.problem = 'malformed'
}

async function peekSigned(value: string): Promise<Peeked> {
  const peeked = empty('signed', null)
  const parts = value.split('.')
  if (parts.length !== 4 || !parts.slice(1).every((part) => B64.test(part))) {
    peeked.problem = 'malformed'
    return peeked
  }
  peeked.keyId = parts[1] as string
  const envelope = decodeBase64Url(parts[2] as string)
  if (!envelope) {
    peeked.problem = 'malformed'
    return peeked
  }
  await readEnvelope(envelope, peeked)
  return peeked
}

function peekSealed(value: string): Peeked {
  const peeked = empty('sealed', null)
  const parts = value.split('.')
  if (parts.length !== 3 || !B64.test(parts[1] as string) || !decodeBase64Url(parts[2] as string)) {
    peeked.problem = 'malformed'
    return peeked
  }
  peeked.keyId = parts[1] as string
  return peeked
}

/**
 * itsdangerous' `URLSafeTimedSerializer` output as Flask writes it:
 * `[.]base64url(json or zlib(json)).base64url(timestamp).base64url(signature)`.
 */
async function peekFlask(value: string): Promise<Peeked | null> {
  const compressed = value.startsWith('.')
  const parts = (compressed ? value.slice(1) : value).split('.')
  if (parts.length !== 3 || !parts.every((part) => B64.test(part))) return null
  const [payloadText, timeText] = parts as [string, string, string]
  const payload = decodeBase64Url(payloadText)
  const time = decodeBase64Url(timeText)
  if (!payload || !time || time.length === 0 || time.length > 8) return null
  const json = compressed ? await inflate(payload, 'deflate') : payload
  const text = json ? utf8(json) : null
  if (text === null) return null
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
  } catch {
    return null
  }
  let timestamp = 0
  for (const byte of time) timestamp = timestamp * 256 + byte
  return { ...empty('flask', null), issuedAt: timestamp, compressed, text }
}

/** What a cookie value is, and what it says without a secret. Never throws. */
export async function peekCookieValue(value: string): Promise<Peeked> {
  if (value.startsWith('s1.')) return peekSigned(value)
  if (value.startsWith('e1.')) return peekSealed(value)
  const flask = await peekFlask(value)
  if (flask) return flask
  return { ...empty('plain', null), text: value }
}

/**
 * Flask's tagged JSON (`flask/json/tag.py`) made plain for display: a tuple becomes a list, a UUID,
 * Markup or date its text, bytes `{ "$bytes": base64 }`, and a tagged dict its keys.
 */
export function untagFlaskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untagFlaskJson)
  if (typeof value !== 'object' || value === null) return value
  const keys = Object.keys(value)
  const record = value as Record<string, unknown>
  if (keys.length === 1) {
    const tag = keys[0] as string
    const inner = record[tag]
    if (tag === ' t' && Array.isArray(inner)) return inner.map(untagFlaskJson)
    if ((tag === ' u' || tag === ' m' || tag === ' d') && typeof inner === 'string') return inner
    if (tag === ' b' && typeof inner === 'string') return { $bytes: inner }
    if (tag === ' di' && typeof inner === 'object' && inner !== null) {
      // TagDict escapes the one key of a dict that looks like a tag by appending '__'.
      const [[key, item] = ['', undefined]] = Object.entries(inner)
      return { [key.endsWith('__') ? key.slice(0, -2) : key]: untagFlaskJson(item) }
    }
  }
  return untagObject(record)
}

function untagObject(record: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(record)) {
    out[key] = untagFlaskJson(item)
  }
  return out
}
