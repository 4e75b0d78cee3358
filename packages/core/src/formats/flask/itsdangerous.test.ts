import { describe, expect, it } from 'vitest'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { backend as nodeBackend } from '../../crypto/backend.node.ts'
import { backend as webBackend } from '../../crypto/backend.web.ts'
import {
  createTimestampSigner,
  decodePayload,
  decodeTimestamp,
  encodePayload,
  encodeTimestamp,
} from './itsdangerous.ts'

const SECRET = 'test-secret-key-of-32-bytes-long!'
const encoder = new TextEncoder()

describe('timestamps (int_to_bytes / bytes_to_int)', () => {
  it.each([
    [0, ''],
    [1, 'AQ'],
    [255, '_w'],
    [256, 'AQA'],
    [1_700_000_000, 'ZVPxAA'],
    [2 ** 32, 'AQAAAAA'],
    [Number.MAX_SAFE_INTEGER, 'H________w'],
  ])('%d is %j', (seconds, text) => {
    expect(encodeTimestamp(seconds)).toBe(text)
    expect(decodeTimestamp(text)).toBe(seconds)
  })

  it('reads leading zero bytes (itsdangerous does) and refuses more than 8 bytes', () => {
    expect(decodeTimestamp('AAAAAQ')).toBe(1)
    expect(decodeTimestamp('AAAAAAAAAAE')).toBe(1)
    expect(decodeTimestamp('AAAAAAAAAAAB')).toBeNull()
    expect(decodeTimestamp('A')).toBeNull()
    expect(decodeTimestamp('Z=')).toBeNull()
  })

  it('refuses to write a negative or fractional time', () => {
    expect(() => encodeTimestamp(-1)).toThrow(RangeError)
    expect(() => encodeTimestamp(1.5)).toThrow(RangeError)
  })
})

describe.each([
  ['node', nodeBackend],
  ['web', webBackend],
] as const)('itsdangerous with the %s back-end', (_name, backend) => {
  it('signs as URLSafeTimedSerializer(salt="cookie-session", key_derivation="hmac") does', async () => {
    // Made by Flask 2.2.2 / itsdangerous 2.1.2 for {'user': 'alice', 'n': [1, 2, 3]} at 1700000000.
    const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    const payload = await encodePayload('{"n":[1,2,3],"user":"alice"}', backend)
    expect(payload).toBe('eyJuIjpbMSwyLDNdLCJ1c2VyIjoiYWxpY2UifQ')
    expect(await signer.sign(payload, 1_700_000_000)).toBe(
      'eyJuIjpbMSwyLDNdLCJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.u7HMuiavZHaUC9rZifZmQLhoHsM',
    )
  })

  it('verifies and splits a Python-made compressed cookie', async () => {
    const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    const cookie = '.eJyrVkrKTFeyUkpMSh5Fo4jqSKkWAO8A6J0.ZVPxAA.3ZOzPMqE4vK0Pxf9TtnDGT6qfbU' // {'big': 'abc' * 200}
    const result = await signer.unsign(cookie)
    expect(result).toEqual({
      ok: true,
      value: '.eJyrVkrKTFeyUkpMSh5Fo4jqSKkWAO8A6J0',
      timestamp: 1_700_000_000,
      keyIndex: 0,
    })
    if (!result.ok) return
    expect(await decodePayload(result.value, backend, 1 << 20)).toEqual({
      ok: true,
      json: `{"big":"${'abc'.repeat(200)}"}`,
    })
  })

  it('compresses only when zlib saves at least 2 bytes (len(compressed) < len(json) - 1)', async () => {
    const shrinkBy = (n: number): CryptoBackend => ({
      ...backend,
      compress: (data) => Promise.resolve(new Uint8Array(data.length - n)),
    })
    const json = '{"a":"0123456789"}'
    expect(await encodePayload(json, shrinkBy(1))).toBe(Buffer.from(json).toString('base64url'))
    expect(await encodePayload(json, shrinkBy(2))).toBe(
      `.${Buffer.from(new Uint8Array(json.length - 2)).toString('base64url')}`,
    )
    expect((await encodePayload(`{"a":"${'x'.repeat(500)}"}`, backend)).startsWith('.')).toBe(true)
    expect((await encodePayload('{"a":1}', backend)).startsWith('.')).toBe(false)
  })

  it('caps inflation and tells an over-large payload from a corrupt one', async () => {
    const bomb = await backend.compress(new Uint8Array(2 << 20), 'deflate')
    const payload = `.${Buffer.from(bomb).toString('base64url')}`
    expect(await decodePayload(payload, backend, 1 << 20)).toEqual({
      ok: false,
      reason: 'too_large',
    })
    expect((await decodePayload(payload, backend, 3 << 20)).ok).toBe(true)
    const corrupt = Buffer.from(bomb)
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 5) ^ 0xff, corrupt.length - 5)
    // Corrupt past the limit: inflating stops at the limit, before reaching the damage.
    expect(await decodePayload(`.${corrupt.toString('base64url')}`, backend, 1 << 20)).toEqual({
      ok: false,
      reason: 'too_large',
    })
    expect(await decodePayload(`.${corrupt.toString('base64url')}`, backend, 3 << 20)).toEqual({
      ok: false,
      reason: 'malformed',
    })
    expect(await decodePayload('.AAAA', backend, 1 << 20)).toEqual({
      ok: false,
      reason: 'malformed',
    })
    expect(await decodePayload('abc=', backend, 1 << 20)).toEqual({
      ok: false,
      reason: 'malformed',
    })
    expect(
      await decodePayload(Buffer.from([0xff, 0xfe]).toString('base64url'), backend, 100),
    ).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  it('inflates once, with one limit, whether the payload is too large, corrupt or fine', async () => {
    const calls: number[] = []
    const counting: CryptoBackend = {
      ...backend,
      decompress: (data, format, maxLength) => {
        calls.push(maxLength)
        return backend.decompress(data, format, maxLength)
      },
    }
    const bomb = Buffer.from(await backend.compress(new Uint8Array(12 << 20), 'deflate'))
    const corrupt = Buffer.from(bomb.subarray(0, 200))
    const fine = Buffer.from(await backend.compress(new TextEncoder().encode('{"a":1}'), 'deflate'))
    for (const [bytes, reason] of [
      [bomb, 'too_large'],
      [corrupt, 'malformed'],
      [fine, undefined],
    ] as const) {
      calls.length = 0
      const result = await decodePayload(`.${bytes.toString('base64url')}`, counting, 1 << 20)
      expect(result.ok ? undefined : result.reason).toBe(reason)
      expect(calls).toEqual([1 << 20])
    }
  })

  it('refuses bytes after the end of the zlib stream', async () => {
    const stream = Buffer.from(
      await backend.compress(new TextEncoder().encode('{"a":1}'), 'deflate'),
    )
    const payload = `.${Buffer.concat([stream, Buffer.of(0)]).toString('base64url')}`
    expect(await decodePayload(payload, backend, 1 << 20)).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  it('tries secrets newest first and reports which one verified', async () => {
    const old = createTimestampSigner({ secrets: ['old-secret'], salt: 'cookie-session', backend })
    const rotated = createTimestampSigner({
      secrets: ['new-secret', 'old-secret'],
      salt: 'cookie-session',
      backend,
    })
    const fromOld = await old.sign('e30', 5)
    expect(await rotated.unsign(fromOld)).toEqual({
      ok: true,
      value: 'e30',
      timestamp: 5,
      keyIndex: 1,
    })
    const fromNew = await rotated.sign('e30', 5)
    expect(await rotated.unsign(fromNew)).toMatchObject({ ok: true, keyIndex: 0 })
    expect(await old.unsign(fromNew)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('binds the salt', async () => {
    const a = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    const b = createTimestampSigner({ secrets: [SECRET], salt: 'other', backend })
    expect(await b.unsign(await a.sign('e30', 5))).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('imports each derived key once, on first use', async () => {
    let imports = 0
    const counting: CryptoBackend = {
      ...backend,
      importHmac: (hash, key) => {
        imports++
        return backend.importHmac(hash, key)
      },
    }
    const signer = createTimestampSigner({
      secrets: ['a', 'b', 'c'],
      salt: 'cookie-session',
      backend: counting,
    })
    expect(imports).toBe(0)
    const cookies = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => signer.sign('e30', i)),
    )
    expect(imports).toBe(2) // HMAC(secret) to derive, then the derived key
    for (const cookie of cookies) await signer.unsign(cookie)
    expect(imports).toBe(2)
    const forge = (cookie: string) => {
      const at = cookie.lastIndexOf('.') + 1
      return `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`
    }
    expect(await signer.unsign(forge(cookies[0]!))).toEqual({ ok: false, reason: 'bad_signature' })
    expect(imports).toBe(6) // a failed check tried all three secrets
    await signer.unsign(forge(cookies[1]!))
    expect(imports).toBe(6)
  })

  it('refuses structurally bad input before any HMAC', async () => {
    const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    expect(await signer.unsign('no-dots')).toEqual({ ok: false, reason: 'malformed' })
    expect(await signer.unsign('one.dot')).toEqual({ ok: false, reason: 'malformed' })
    expect(await signer.unsign('a b.c.d')).toEqual({ ok: false, reason: 'malformed' })
    expect(await signer.unsign('a.b.c=')).toEqual({ ok: false, reason: 'malformed' })
    expect(await signer.unsign('a.b.short')).toEqual({ ok: false, reason: 'bad_signature' })
    const good = await signer.sign('e30', 1)
    expect(await signer.unsign(good.replace('.AQ.', '.AQAAAAAAAAAA.'))).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    expect(encoder.encode(good).every((b) => b < 128)).toBe(true)
  })
})
