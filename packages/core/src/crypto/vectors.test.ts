/**
 * Test vectors for the native format (docs/format.md), committed in test/vectors/native.json.
 *
 * - Both back-ends must reproduce every committed token exactly (fixed secrets, `now` and nonce) and
 *   open it to exactly the committed result, and reject every committed invalid token with its reason.
 * - A second, independent implementation below, written from docs/format.md with node:crypto and
 *   node:zlib only, must do the same: it checks that the document says enough to interoperate.
 *
 * Regenerate (only when the format changes on purpose, which also means a new version tag):
 *   UPDATE_VECTORS=1 pnpm vitest run src/crypto/vectors.test.ts
 */
import {
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  timingSafeEqual,
  createCipheriv,
} from 'node:crypto'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { CryptoBackend } from './backend.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import type { InvalidReason, OpenResult } from './envelope.ts'
import { createKeyring } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

const VECTORS_PATH = fileURLToPath(new URL('../../test/vectors/native.json', import.meta.url))

type Kind = 'signed' | 'sealed'
interface KeyVector {
  utf8: string
  keyId: string
  hmacKey: string
  aesKey: string
}
interface ValidVector {
  id: string
  description: string
  kind: Kind
  cookieName: string
  value: string
  issue: {
    now: number
    maxAge: number | null
    compress: boolean
    signingKey: number
    nonce: string | null
  }
  envelope: string
  authenticatedData: string
  token: string
  verify: {
    now: number
    expect: { value: string; issuedAt: number; expiresAt: number; stale: boolean }
  }
}
interface InvalidVector {
  id: string
  description: string
  kind: Kind
  cookieName: string
  token: string
  /** The token is `token` followed by `A`s up to this many characters (too long to commit). */
  padTo?: number
  now: number
  reason: InvalidReason
}

const tokenOf = (v: InvalidVector) => (v.padTo ? v.token.padEnd(v.padTo, 'A') : v.token)
interface VectorFile {
  $comment: string
  format: 'cookietin-native-v1'
  clockSkewSeconds: number
  secrets: KeyVector[]
  outsider: KeyVector
  valid: ValidVector[]
  invalid: InvalidVector[]
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))
const utf8 = (text: string) => new TextEncoder().encode(text)

// ---------------------------------------------------------------------------------------------
// Independent reference implementation, from docs/format.md only (no import from the library).
// ---------------------------------------------------------------------------------------------
const reference = (() => {
  const ALPHABET = /^[A-Za-z0-9_-]*$/
  const b64encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
  /** Strict: alphabet only, no padding, length not 1 mod 4, canonical (re-encodes to itself). */
  const b64decode = (text: string): Buffer | null => {
    if (!ALPHABET.test(text) || text.length % 4 === 1) return null
    const bytes = Buffer.from(text, 'base64url')
    return bytes.toString('base64url') === text ? bytes : null
  }
  const hkdf = (secret: Uint8Array, info: string, length: number) =>
    new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), info, length))
  const keysOf = (secret: string) => {
    const ikm = utf8(secret)
    return {
      id: b64encode(hkdf(ikm, 'cookietin/v1 key-id', 6)),
      hmac: hkdf(ikm, 'cookietin/v1 hmac-sha256', 32),
      aes: hkdf(ikm, 'cookietin/v1 aes-256-gcm', 32),
    }
  }
  const bind = (name: string, prefix: string) =>
    Buffer.concat([Buffer.from(name, 'utf8'), Buffer.of(0), Buffer.from(prefix, 'utf8')])

  function pack(value: string, now: number, maxAge: number | null, compress: boolean): Buffer {
    let data = Buffer.from(value, 'utf8')
    let flags = 0
    if (compress && data.length > 64) {
      const deflated = deflateRawSync(data) // zlib defaults: level 6, windowBits 15, memLevel 8
      if (deflated.length < data.length) [data, flags] = [deflated, 1]
    }
    const head = Buffer.alloc(9)
    head.writeUInt8(flags, 0)
    head.writeUInt32BE(now, 1)
    head.writeUInt32BE(
      maxAge === null ? 0 : Math.min(2 ** 32 - 1, Math.max(1, now + Math.max(0, maxAge))),
      5,
    )
    return Buffer.concat([head, data])
  }

  function unpack(envelope: Buffer, now: number, stale: boolean): OpenResult {
    if (envelope.length < 9) return { ok: false, reason: 'malformed' }
    const flags = envelope.readUInt8(0)
    const issuedAt = envelope.readUInt32BE(1)
    const expiresAt = envelope.readUInt32BE(5)
    if (flags & ~1) return { ok: false, reason: 'malformed' }
    if (issuedAt > now + 60) return { ok: false, reason: 'not_yet_valid' }
    if (expiresAt !== 0 && now >= expiresAt) return { ok: false, reason: 'expired' }
    let data = envelope.subarray(9)
    if (flags & 1) {
      try {
        // `info` exposes how much input the inflater read: anything after the stream is refused.
        const inflated = inflateRawSync(data, {
          maxOutputLength: 1 << 20,
          info: true,
        }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
        if (inflated.engine.bytesWritten !== data.length) return { ok: false, reason: 'malformed' }
        data = inflated.buffer
      } catch {
        return { ok: false, reason: 'malformed' }
      }
    }
    try {
      return {
        ok: true,
        value: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data),
        issuedAt,
        expiresAt,
        stale,
      }
    } catch {
      return { ok: false, reason: 'malformed' }
    }
  }

  function signEnvelope(secret: string, name: string, envelope: Uint8Array) {
    const keys = keysOf(secret)
    const prefix = `s1.${keys.id}.${b64encode(envelope)}`
    return `${prefix}.${b64encode(createHmac('sha256', keys.hmac).update(bind(name, prefix)).digest())}`
  }

  function sealEnvelope(secret: string, name: string, envelope: Uint8Array, nonce: Uint8Array) {
    const keys = keysOf(secret)
    const prefix = `e1.${keys.id}`
    const cipher = createCipheriv('aes-256-gcm', keys.aes, nonce).setAAD(bind(name, prefix))
    const body = Buffer.concat([cipher.update(envelope), cipher.final(), cipher.getAuthTag()])
    return `${prefix}.${b64encode(Buffer.concat([nonce, body]))}`
  }

  function sign(
    secret: string,
    name: string,
    value: string,
    now: number,
    maxAge: number | null,
    compress: boolean,
  ) {
    return signEnvelope(secret, name, pack(value, now, maxAge, compress))
  }

  function seal(
    secret: string,
    name: string,
    value: string,
    now: number,
    maxAge: number | null,
    compress: boolean,
    nonce: Uint8Array,
  ) {
    return sealEnvelope(secret, name, pack(value, now, maxAge, compress), nonce)
  }

  function open(kind: Kind, ring: string[], name: string, token: string, now: number): OpenResult {
    const own = kind === 'signed' ? 's1.' : 'e1.'
    const other = kind === 'signed' ? 'e1.' : 's1.'
    if (token.length > 1 << 21) return { ok: false, reason: 'malformed' }
    if (!token.startsWith(own)) {
      return { ok: false, reason: token.startsWith(other) ? 'wrong_kind' : 'malformed' }
    }
    const idEnd = token.indexOf('.', 3)
    const macStart = kind === 'signed' ? token.lastIndexOf('.') : token.length
    if (idEnd !== 11) return { ok: false, reason: 'malformed' }
    if (kind === 'signed' && (macStart - idEnd - 1 < 12 || token.length - macStart - 1 !== 43)) {
      return { ok: false, reason: 'malformed' }
    }
    if (kind === 'sealed' && token.length - idEnd - 1 < 50)
      return { ok: false, reason: 'malformed' }
    const index = ring.findIndex((secret) => keysOf(secret).id === token.slice(3, idEnd))
    if (index < 0) return { ok: false, reason: 'unknown_key' }
    const keys = keysOf(ring[index] as string)
    if (kind === 'signed') {
      const envelope = b64decode(token.slice(idEnd + 1, macStart))
      const mac = b64decode(token.slice(macStart + 1))
      if (!envelope || !mac || mac.length !== 32) return { ok: false, reason: 'malformed' }
      const expected = createHmac('sha256', keys.hmac)
        .update(bind(name, token.slice(0, macStart)))
        .digest()
      if (!timingSafeEqual(expected, mac)) return { ok: false, reason: 'bad_signature' }
      return unpack(envelope, now, index !== 0)
    }
    const blob = b64decode(token.slice(idEnd + 1))
    if (!blob || blob.length < 12 + 16) return { ok: false, reason: 'malformed' }
    let envelope: Buffer
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.aes, blob.subarray(0, 12))
      decipher.setAAD(bind(name, token.slice(0, idEnd)))
      decipher.setAuthTag(blob.subarray(blob.length - 16))
      envelope = Buffer.concat([
        decipher.update(blob.subarray(12, blob.length - 16)),
        decipher.final(),
      ])
    } catch {
      return { ok: false, reason: 'bad_signature' }
    }
    return unpack(envelope, now, index !== 0)
  }

  /** The envelope and authenticated data of an authentic token (for the vectors' debugging fields). */
  function inside(kind: Kind, secret: string, name: string, token: string) {
    const keys = keysOf(secret)
    if (kind === 'signed') {
      const prefix = token.slice(0, token.lastIndexOf('.'))
      return {
        envelope: b64decode(prefix.split('.')[2] as string) as Buffer,
        authenticatedData: bind(name, prefix),
      }
    }
    const [tag, kid, body] = token.split('.') as [string, string, string]
    const blob = b64decode(body) as Buffer
    const decipher = createDecipheriv('aes-256-gcm', keys.aes, blob.subarray(0, 12))
    const aad = bind(name, `${tag}.${kid}`)
    decipher.setAAD(aad)
    decipher.setAuthTag(blob.subarray(blob.length - 16))
    return {
      envelope: Buffer.concat([
        decipher.update(blob.subarray(12, blob.length - 16)),
        decipher.final(),
      ]),
      authenticatedData: aad,
    }
  }

  return { keysOf, sign, seal, signEnvelope, sealEnvelope, open, inside }
})()

// ---------------------------------------------------------------------------------------------
// Generation (UPDATE_VECTORS=1): inputs here, outputs computed by the library on the Node back-end.
// ---------------------------------------------------------------------------------------------
const SECRETS = [
  'cookietin native v1 test vector secret #0 (newest)',
  'cookietin native v1 test vector secret #1',
  'cookietin native v1 test vector secret #2 (oldest)',
]
const OUTSIDER = 'cookietin native v1 test vector secret that is in no ring'
const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z
const COMPRESSIBLE = JSON.stringify({
  user: 'alice',
  cart: Array.from({ length: 12 }, (_, i) => ({ sku: `widget-${i % 3}`, qty: 1 + (i % 2) })),
})

interface CaseInput {
  id: string
  description: string
  cookieName?: string
  value: string
  maxAge?: number
  compress?: boolean
  signingKey?: number
  verifyAt?: number
}
const CASES: CaseInput[] = [
  {
    id: 'basic',
    description: 'ASCII JSON value, no expiry, no compression',
    value: '{"user":"alice","theme":"dark"}',
  },
  {
    id: 'max-age',
    description: 'expires 14 days (1209600 s) after issue; verified one second before',
    value: '{"cart":[1,2,3]}',
    maxAge: 1_209_600,
    verifyAt: NOW + 1_209_599,
  },
  {
    id: 'compressed',
    description:
      'compression requested, value over 64 bytes and deflate-raw shortens it: flags bit 0 set',
    value: COMPRESSIBLE,
    compress: true,
    maxAge: 3600,
    verifyAt: NOW + 30,
  },
  {
    id: 'compress-too-short',
    description: 'compression requested but the value is 64 bytes or less: stored as is, flags 0',
    value: 'short value',
    compress: true,
  },
  {
    id: 'unicode',
    description: 'non-ASCII value (UTF-8, 4-byte code point included)',
    cookieName: 'prefs',
    value: 'héllo wörld · 日本語 · 🍪',
  },
  { id: 'empty', description: 'empty value: the envelope is the 9-byte header alone', value: '' },
  {
    id: 'byte-order-mark',
    description:
      'value starting with U+FEFF (EF BB BF): a decoder must keep it, not strip it as a BOM',
    value: '\uFEFF{"a":1}',
  },
  {
    id: 'older-key',
    description: 'made by the oldest of three keys before two rotations: verifies with stale true',
    value: 'issued before two key rotations',
    signingKey: 2,
    maxAge: 86_400,
    verifyAt: NOW + 3600,
  },
]

const nonceFor = (id: string) =>
  new Uint8Array(
    createHash('sha256').update(`cookietin vector nonce ${id}`).digest().subarray(0, 12),
  )
const fixedRandom = (nonce: Uint8Array) => (buffer: Uint8Array) => {
  buffer.set(nonce)
  return buffer
}

async function make(
  kind: Kind,
  backend: CryptoBackend,
  secrets: string[],
  name: string,
  value: string,
  options: { now: number; maxAge?: number; compress?: boolean },
  nonce: Uint8Array | null,
) {
  const ring = createKeyring(secrets, nonce ? { backend, random: fixedRandom(nonce) } : { backend })
  return kind === 'signed'
    ? signValue(ring, name, value, options)
    : sealValue(ring, name, value, options)
}

function openWith(
  kind: Kind,
  backend: CryptoBackend,
  secrets: string[],
  name: string,
  token: string,
  now: number,
) {
  const ring = createKeyring(secrets, { backend })
  return kind === 'signed'
    ? verifyValue(ring, name, token, { now })
    : unsealValue(ring, name, token, { now })
}

async function generate(): Promise<VectorFile> {
  const backend = nodeBackend
  const keyVector = (secret: string): KeyVector => {
    const keys = reference.keysOf(secret)
    return { utf8: secret, keyId: keys.id, hmacKey: hex(keys.hmac), aesKey: hex(keys.aes) }
  }
  const valid: ValidVector[] = []
  for (const kind of ['signed', 'sealed'] as const) {
    for (const c of CASES) {
      const id = `${kind}-${c.id}`
      const cookieName = c.cookieName ?? 'session'
      const signingKey = c.signingKey ?? 0
      const nonce = kind === 'sealed' ? nonceFor(id) : null
      const options = {
        now: NOW,
        ...(c.maxAge === undefined ? {} : { maxAge: c.maxAge }),
        compress: c.compress ?? false,
      }
      const token = await make(
        kind,
        backend,
        SECRETS.slice(signingKey),
        cookieName,
        c.value,
        options,
        nonce,
      )
      const verifyAt = c.verifyAt ?? NOW
      const result = await openWith(kind, backend, SECRETS, cookieName, token, verifyAt)
      if (!result.ok) throw new Error(`${id} does not open: ${result.reason}`)
      const { envelope, authenticatedData } = reference.inside(
        kind,
        SECRETS[signingKey] as string,
        cookieName,
        token,
      )
      valid.push({
        id,
        description: `${kind}: ${c.description}`,
        kind,
        cookieName,
        value: c.value,
        issue: {
          now: NOW,
          maxAge: c.maxAge ?? null,
          compress: c.compress ?? false,
          signingKey,
          nonce: nonce ? hex(nonce) : null,
        },
        envelope: hex(envelope),
        authenticatedData: hex(authenticatedData),
        token,
        verify: {
          now: verifyAt,
          expect: {
            value: result.value,
            issuedAt: result.issuedAt,
            expiresAt: result.expiresAt,
            stale: result.stale,
          },
        },
      })
    }
  }

  const find = (id: string) => valid.find((v) => v.id === id) as ValidVector
  const flipBit = (text: string, byte: number) => {
    const bytes = decodeBase64Url(text) as Uint8Array
    bytes[byte] = (bytes[byte] as number) ^ 1
    return encodeBase64Url(bytes)
  }
  const invalid: InvalidVector[] = []
  const add = (v: InvalidVector) => invalid.push(v)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  /** The same text with its last character's unused low bits set: one lax decoders accept. */
  const nonCanonical = (text: string) =>
    `${text.slice(0, -1)}${alphabet[alphabet.indexOf(text.at(-1) as string) | 1] as string}`
  for (const kind of ['signed', 'sealed'] as const) {
    const basic = find(`${kind}-basic`)
    const maxAge = find(`${kind}-max-age`)
    const parts = basic.token.split('.')
    const base = { kind, cookieName: 'session', now: NOW }
    const swappedId = reference.keysOf(SECRETS[1] as string).id
    if (kind === 'signed') {
      const envelope = unhex(basic.envelope)
      envelope[9 + 10] = (envelope[9 + 10] as number) ^ 1 // one bit of the value: "alice" -> "amice"
      add({
        ...base,
        id: 'signed-tampered-value',
        description: 'one bit of the value changed, MAC kept',
        token: [parts[0], parts[1], encodeBase64Url(envelope), parts[3]].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'signed-tampered-mac',
        description: 'one bit of the MAC flipped',
        token: [parts[0], parts[1], parts[2], flipBit(parts[3] as string, 0)].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'signed-non-canonical',
        description:
          'last MAC character with non-zero unused bits (decodes to the same bytes in a lax decoder)',
        token: nonCanonical(basic.token),
        reason: 'malformed',
      })
      add({
        ...base,
        id: 'signed-padded',
        description: 'base64 padding appended',
        token: `${basic.token}=`,
        reason: 'malformed',
      })
      add({
        ...base,
        id: 'signed-swapped-key-id',
        description: 'key id replaced by another key of the ring (the key id is in the MAC input)',
        token: [parts[0], swappedId, parts[2], parts[3]].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'signed-short-envelope',
        description: 'an envelope of 8 characters (6 bytes), under the 12 of the grammar',
        token: [parts[0], parts[1], (parts[2] as string).slice(0, 8), parts[3]].join('.'),
        reason: 'malformed',
      })
    } else {
      const blob = parts[2] as string
      add({
        ...base,
        id: 'sealed-tampered-ciphertext',
        description: 'one bit of the ciphertext flipped',
        token: [parts[0], parts[1], flipBit(blob, 12 + 3)].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'sealed-tampered-nonce',
        description: 'one bit of the nonce flipped',
        token: [parts[0], parts[1], flipBit(blob, 0)].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'sealed-swapped-key-id',
        description: 'key id replaced by another key of the ring (the key id is in the AAD)',
        token: [parts[0], swappedId, blob].join('.'),
        reason: 'bad_signature',
      })
      add({
        ...base,
        id: 'sealed-truncated',
        description: 'a blob of 36 characters: fewer than 28 bytes (nonce + tag) after decoding',
        token: [parts[0], parts[1], blob.slice(0, 36)].join('.'),
        reason: 'malformed',
      })
      add({
        ...base,
        id: 'sealed-short-blob',
        description:
          'a blob of 48 characters (36 bytes): nonce and tag fit, but under the 50 of the grammar',
        token: [parts[0], parts[1], blob.slice(0, 48)].join('.'),
        reason: 'malformed',
      })
      add({
        ...base,
        id: 'sealed-non-canonical',
        description:
          'last blob character with non-zero unused bits (decodes to the same bytes in a lax decoder)',
        token: nonCanonical(basic.token),
        reason: 'malformed',
      })
      add({
        ...base,
        id: 'sealed-padded',
        description: 'base64 padding appended (a lax decoder reads the same bytes)',
        token: `${basic.token}=`,
        reason: 'malformed',
      })
    }
    add({
      ...base,
      id: `${kind}-short-key-id`,
      description: 'a key id of 7 characters: malformed by the grammar, before any key lookup',
      token: basic.token.slice(0, 3) + basic.token.slice(4),
      reason: 'malformed',
    })
    add({
      ...base,
      id: `${kind}-wrong-name`,
      description: `${kind}-basic presented under another cookie name`,
      cookieName: 'other',
      token: basic.token,
      reason: 'bad_signature',
    })
    add({
      ...base,
      id: `${kind}-expired`,
      description: `${kind}-max-age checked at exactly its expires-at`,
      token: maxAge.token,
      now: maxAge.verify.expect.expiresAt,
      reason: 'expired',
    })
    add({
      ...base,
      id: `${kind}-not-yet-valid`,
      description: `${kind}-basic checked 61 s before its issued-at (skew is 60 s)`,
      token: basic.token,
      now: NOW - 61,
      reason: 'not_yet_valid',
    })
    const outsider = await make(
      kind,
      backend,
      [OUTSIDER],
      'session',
      'v',
      { now: NOW },
      kind === 'sealed' ? nonceFor(`${kind}-outsider`) : null,
    )
    add({
      ...base,
      id: `${kind}-unknown-key`,
      description: 'made by a secret not in the ring',
      token: outsider,
      reason: 'unknown_key',
    })
    const otherKind = kind === 'signed' ? 'sealed' : 'signed'
    add({
      ...base,
      id: `${kind}-given-${otherKind}`,
      description: `a ${otherKind} token opened as ${kind}`,
      token: find(`${otherKind}-basic`).token,
      reason: 'wrong_kind',
    })
    add({
      ...base,
      id: `${kind}-too-long-${otherKind}`,
      description: `a ${otherKind} token padded to 2^21 + 1 characters: over-long is malformed whatever the prefix`,
      token: find(`${otherKind}-basic`).token,
      padTo: (1 << 21) + 1,
      reason: 'malformed',
    })
    // Authentic, compressed, and followed by one byte after the end of the DEFLATE stream.
    const value = find(`${kind}-compressed`).value
    const header = Buffer.alloc(9)
    header.writeUInt8(1, 0)
    header.writeUInt32BE(NOW, 1)
    const trailing = Buffer.concat([header, deflateRawSync(Buffer.from(value)), Buffer.of(0)])
    add({
      ...base,
      id: `${kind}-deflate-trailing-bytes`,
      description:
        'authentic compressed envelope with one byte after the end of the DEFLATE stream',
      token:
        kind === 'signed'
          ? reference.signEnvelope(SECRETS[0] as string, 'session', trailing)
          : reference.sealEnvelope(
              SECRETS[0] as string,
              'session',
              trailing,
              nonceFor(`${kind}-deflate-trailing-bytes`),
            ),
      reason: 'malformed',
    })
  }
  for (const v of invalid) {
    for (const [name, open] of [
      ['library', openWith.bind(null, v.kind, backend)],
      [
        'reference',
        (...args: [string[], string, string, number]) => reference.open(v.kind, ...args),
      ],
    ] as const) {
      const result = await open(SECRETS, v.cookieName, tokenOf(v), v.now)
      if (result.ok || result.reason !== v.reason) {
        throw new Error(`${v.id}: the ${name} gives ${JSON.stringify(result)}, not ${v.reason}`)
      }
    }
  }

  return {
    $comment:
      'cookietin native format v1 test vectors; schema and rules in docs/format.md. Regenerate: UPDATE_VECTORS=1 pnpm vitest run src/crypto/vectors.test.ts',
    format: 'cookietin-native-v1',
    clockSkewSeconds: 60,
    secrets: SECRETS.map(keyVector),
    outsider: keyVector(OUTSIDER),
    valid,
    invalid,
  }
}

if (process.env['UPDATE_VECTORS'] === '1') {
  mkdirSync(dirname(VECTORS_PATH), { recursive: true })
  writeFileSync(VECTORS_PATH, `${JSON.stringify(await generate(), null, 2)}\n`)
}
const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as VectorFile
const ring = vectors.secrets.map((s) => s.utf8)

// ---------------------------------------------------------------------------------------------

describe('native.json test vectors', () => {
  it('cover signed and sealed, maxAge, compression, unicode, empty, an older key, and every rejection reason', () => {
    for (const kind of ['signed', 'sealed']) {
      const mine = vectors.valid.filter((v) => v.kind === kind)
      expect(mine.some((v) => v.issue.maxAge !== null)).toBe(true)
      expect(mine.some((v) => v.issue.maxAge === null)).toBe(true)
      expect(mine.some((v) => v.envelope.startsWith('01'))).toBe(true)
      expect(mine.some((v) => v.issue.compress && v.envelope.startsWith('00'))).toBe(true)
      expect(mine.some((v) => !v.issue.compress)).toBe(true)
      expect(mine.some((v) => [...v.value].some((c) => (c.codePointAt(0) as number) > 0x7f))).toBe(
        true,
      )
      expect(mine.some((v) => v.value === '')).toBe(true)
      expect(mine.some((v) => v.value.startsWith('\uFEFF'))).toBe(true)
      expect(mine.some((v) => v.issue.signingKey === 2 && v.verify.expect.stale)).toBe(true)
      const reasons = new Set(vectors.invalid.filter((v) => v.kind === kind).map((v) => v.reason))
      expect([...reasons].sort()).toEqual([
        'bad_signature',
        'expired',
        'malformed',
        'not_yet_valid',
        'unknown_key',
        'wrong_kind',
      ])
    }
    expect(vectors.secrets).toHaveLength(3)
  })

  it('cover what a second implementation can get wrong: lax base64, grammar, trailing bytes', () => {
    const ids = new Set(vectors.invalid.map((v) => v.id))
    for (const kind of ['signed', 'sealed']) {
      for (const id of [
        'padded',
        'non-canonical',
        'swapped-key-id',
        'short-key-id',
        'deflate-trailing-bytes',
      ]) {
        expect(ids).toContain(`${kind}-${id}`)
      }
    }
    expect(ids).toContain('signed-short-envelope')
    expect(ids).toContain('sealed-short-blob')
    expect(ids).toContain('signed-too-long-sealed')
    expect(ids).toContain('sealed-too-long-signed')
  })

  describe('the independent reference implementation (docs/format.md, node:crypto only)', () => {
    it('derives the committed key ids and sub-keys', () => {
      for (const key of [...vectors.secrets, vectors.outsider]) {
        const derived = reference.keysOf(key.utf8)
        expect({ keyId: derived.id, hmacKey: hex(derived.hmac), aesKey: hex(derived.aes) }).toEqual(
          {
            keyId: key.keyId,
            hmacKey: key.hmacKey,
            aesKey: key.aesKey,
          },
        )
      }
    })

    it.each(vectors.valid)('$id: produces the token and opens it to the committed result', (v) => {
      const secret = ring[v.issue.signingKey] as string
      const token =
        v.kind === 'signed'
          ? reference.sign(
              secret,
              v.cookieName,
              v.value,
              v.issue.now,
              v.issue.maxAge,
              v.issue.compress,
            )
          : reference.seal(
              secret,
              v.cookieName,
              v.value,
              v.issue.now,
              v.issue.maxAge,
              v.issue.compress,
              unhex(v.issue.nonce as string),
            )
      expect(token).toBe(v.token)
      const inside = reference.inside(v.kind, secret, v.cookieName, v.token)
      expect(hex(inside.envelope)).toBe(v.envelope)
      expect(hex(inside.authenticatedData)).toBe(v.authenticatedData)
      expect(reference.open(v.kind, ring, v.cookieName, v.token, v.verify.now)).toEqual({
        ok: true,
        ...v.verify.expect,
      })
    })

    it.each(vectors.invalid)('$id: rejected as $reason', (v) => {
      expect(reference.open(v.kind, ring, v.cookieName, tokenOf(v), v.now)).toEqual({
        ok: false,
        reason: v.reason,
      })
    })
  })
})

describe.each([nodeBackend, webBackend])(
  'native.json test vectors on the $name back-end',
  (backend) => {
    it('derives the committed key ids and sub-keys', async () => {
      for (const key of [...vectors.secrets, vectors.outsider]) {
        expect((await createKeyring(key.utf8, { backend }).current()).id).toBe(key.keyId)
        expect(hex(await backend.hkdf(utf8(key.utf8), 'cookietin/v1 hmac-sha256', 32))).toBe(
          key.hmacKey,
        )
        expect(hex(await backend.hkdf(utf8(key.utf8), 'cookietin/v1 aes-256-gcm', 32))).toBe(
          key.aesKey,
        )
      }
    })

    it.each(vectors.valid)('$id: produces exactly the committed token', async (v) => {
      const options = {
        now: v.issue.now,
        compress: v.issue.compress,
        ...(v.issue.maxAge === null ? {} : { maxAge: v.issue.maxAge }),
      }
      const token = await make(
        v.kind,
        backend,
        ring.slice(v.issue.signingKey),
        v.cookieName,
        v.value,
        options,
        v.issue.nonce === null ? null : unhex(v.issue.nonce),
      )
      expect(token).toBe(v.token)
    })

    it.each(vectors.valid)('$id: opens to exactly the committed result', async (v) => {
      expect(await openWith(v.kind, backend, ring, v.cookieName, v.token, v.verify.now)).toEqual({
        ok: true,
        ...v.verify.expect,
      })
    })

    it('inputs docs/format.md states: a fractional now is floored, lengths count UTF-16 units', async () => {
      const basic = vectors.valid.find((v) => v.id === 'signed-basic') as ValidVector
      const options = { now: basic.issue.now + 0.9 }
      expect(await make('signed', backend, ring, 'session', basic.value, options, null)).toBe(
        basic.token,
      )
      expect(await openWith('signed', backend, ring, 'session', basic.token, NOW + 0.9)).toEqual({
        ok: true,
        ...basic.verify.expect,
      })
      // 2^21 + 1 units, fewer bytes than that would be in UTF-16 and more in UTF-8: malformed.
      const long = `s1.${'é'.repeat(1 << 20)}${'A'.repeat((1 << 20) - 2)}`
      expect(long).toHaveLength((1 << 21) + 1)
      expect(await openWith('signed', backend, ring, 'session', long, NOW)).toEqual({
        ok: false,
        reason: 'malformed',
      })
    })

    it.each(vectors.invalid)('$id: rejected as $reason', async (v) => {
      expect(await openWith(v.kind, backend, ring, v.cookieName, tokenOf(v), v.now)).toEqual({
        ok: false,
        reason: v.reason,
      })
    })
  },
)
