import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { CLOCK_SKEW_SECONDS, MAX_DATA_BYTES } from './envelope.ts'
import { createKeyring } from './keyring.ts'
import { sealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

const S0 = 'sign test secret 0: newest, more than 32 bytes'
const S1 = 'sign test secret 1: older,  more than 32 bytes'
const S2 = 'sign test secret 2: oldest, more than 32 bytes'
const OUTSIDER = 'sign test secret that is in no ring, 32+ bytes'
const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z
const TOKEN = /^s1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/
const COMPRESSIBLE = JSON.stringify({
  cart: Array.from({ length: 40 }, () => ({ sku: 'widget', qty: 1 })),
})

const envelopeOf = (token: string) => decodeBase64Url(token.split('.')[2] as string) as Uint8Array

describe.each([nodeBackend, webBackend])('signed values on the $name back-end', (backend) => {
  const ring = createKeyring([S0, S1, S2], { backend })

  /** Signs arbitrary envelope bytes with the ring's newest key, as a buggy or hostile signer could. */
  async function forge(envelope: Uint8Array, name = 'n'): Promise<string> {
    const key = await backend.importHmac(
      'SHA-256',
      await backend.hkdf(new TextEncoder().encode(S0), 'cookietin/v1 hmac-sha256', 32),
    )
    const unsigned = `s1.${(await ring.current()).id}.${encodeBase64Url(envelope)}`
    const mac = await key.sign(new TextEncoder().encode(`${name}\0${unsigned}`))
    return `${unsigned}.${encodeBase64Url(mac)}`
  }
  const header = (flags: number, issuedAt: number, expiresAt: number) => {
    const out = new Uint8Array(9)
    const view = new DataView(out.buffer)
    view.setUint8(0, flags)
    view.setUint32(1, issuedAt)
    view.setUint32(5, expiresAt)
    return out
  }
  const concat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b])

  it('round-trips a value, reporting its times', async () => {
    const token = await signValue(ring, 'session', '{"user":"alice"}', { now: NOW })
    expect(token).toMatch(TOKEN)
    expect(await verifyValue(ring, 'session', token, { now: NOW })).toEqual({
      ok: true,
      value: '{"user":"alice"}',
      issuedAt: NOW,
      expiresAt: 0,
      stale: false,
    })
  })

  it('keeps a leading U+FEFF (byte order mark) and every other code point exactly', async () => {
    for (const value of [
      '\uFEFF',
      '\uFEFF{"a":1}',
      '\uFEFF\uFEFF',
      'a\u0000b',
      '\u{10FFFF}',
      '🍪'.repeat(40),
    ]) {
      for (const compress of [false, true]) {
        const token = await signValue(ring, 'n', value, { compress })
        expect(await verifyValue(ring, 'n', token)).toMatchObject({ ok: true, value })
      }
    }
  })

  it('round-trips any string of Unicode code points (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.boolean(),
        async (value, compress) => {
          const token = await signValue(ring, 'n', value, { compress })
          expect(await verifyValue(ring, 'n', token)).toMatchObject({ ok: true, value })
        },
      ),
      { numRuns: 100 },
    )
  })

  it('is deterministic: same key, value, name and time give the same token', async () => {
    const a = await signValue(ring, 'n', 'v', { now: NOW, maxAge: 60 })
    expect(await signValue(ring, 'n', 'v', { now: NOW, maxAge: 60 })).toBe(a)
  })

  it('is readable (signed, not sealed): the value sits in the envelope in clear', async () => {
    const token = await signValue(ring, 'n', 'visible text', { now: NOW })
    expect(new TextDecoder().decode(envelopeOf(token).subarray(9))).toBe('visible text')
  })

  it('a value signed by an older key verifies and reports stale: true', async () => {
    for (const older of [[S1, S2], [S2]]) {
      const token = await signValue(createKeyring(older, { backend }), 'n', 'old', { now: NOW })
      expect(await verifyValue(ring, 'n', token, { now: NOW })).toMatchObject({
        ok: true,
        value: 'old',
        stale: true,
      })
    }
  })

  it('a key not in the ring: unknown_key', async () => {
    const token = await signValue(createKeyring(OUTSIDER, { backend }), 'n', 'v')
    expect(await verifyValue(ring, 'n', token)).toEqual({ ok: false, reason: 'unknown_key' })
    // and a ring that has dropped the key it was signed with.
    const old = await signValue(createKeyring(S2, { backend }), 'n', 'v')
    expect(await verifyValue(createKeyring([S0, S1], { backend }), 'n', old)).toEqual({
      ok: false,
      reason: 'unknown_key',
    })
  })

  it('a value moved to another cookie name is rejected', async () => {
    const token = await signValue(ring, 'session', 'v')
    for (const name of ['other', 'Session', 'session ', '', 'session\0', 'sessio']) {
      expect(await verifyValue(ring, name, token)).toEqual({ ok: false, reason: 'bad_signature' })
    }
  })

  it('a key id swapped for another key in the ring is rejected', async () => {
    const token = await signValue(ring, 'n', 'v')
    const olderId = (await createKeyring(S1, { backend }).current()).id
    const swapped = token.replace(/^s1\.[^.]+\./, `s1.${olderId}.`)
    expect(await verifyValue(ring, 'n', swapped)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('expires at issued-at + maxAge (injected now)', async () => {
    const token = await signValue(ring, 'n', 'v', { now: NOW, maxAge: 60 })
    expect(await verifyValue(ring, 'n', token, { now: NOW + 59 })).toMatchObject({
      ok: true,
      expiresAt: NOW + 60,
    })
    expect(await verifyValue(ring, 'n', token, { now: NOW + 60 })).toEqual({
      ok: false,
      reason: 'expired',
    })
    expect(await verifyValue(ring, 'n', token, { now: NOW + 10 ** 6 })).toEqual({
      ok: false,
      reason: 'expired',
    })
    const forever = await signValue(ring, 'n', 'v', { now: NOW })
    expect(await verifyValue(ring, 'n', forever, { now: 2 ** 32 - 1 })).toMatchObject({
      ok: true,
      expiresAt: 0,
    })
  })

  it('maxAge of zero or less makes a token that is already expired', async () => {
    for (const maxAge of [0, -1, -1e9, 0.5]) {
      const token = await signValue(ring, 'n', 'v', { now: NOW, maxAge })
      expect(await verifyValue(ring, 'n', token, { now: NOW })).toEqual({
        ok: false,
        reason: 'expired',
      })
    }
  })

  it('a huge maxAge saturates at the end of 32-bit time instead of wrapping', async () => {
    const token = await signValue(ring, 'n', 'v', { now: NOW, maxAge: 2 ** 32 })
    expect(await verifyValue(ring, 'n', token, { now: NOW })).toMatchObject({
      ok: true,
      expiresAt: 2 ** 32 - 1,
    })
  })

  it('issued in the future beyond the clock skew: not_yet_valid', async () => {
    const early = await signValue(ring, 'n', 'v', { now: NOW + CLOCK_SKEW_SECONDS })
    expect(await verifyValue(ring, 'n', early, { now: NOW })).toMatchObject({ ok: true })
    const tooEarly = await signValue(ring, 'n', 'v', { now: NOW + CLOCK_SKEW_SECONDS + 1 })
    expect(await verifyValue(ring, 'n', tooEarly, { now: NOW })).toEqual({
      ok: false,
      reason: 'not_yet_valid',
    })
  })

  it('bad time options throw ConfigError INVALID_OPTION instead of minting never-expiring tokens', async () => {
    for (const options of [
      { maxAge: Number.NaN },
      { maxAge: Infinity },
      { maxAge: -Infinity },
      { now: Number.NaN },
      { now: Date.now() },
      { now: -1 },
    ]) {
      await expect(signValue(ring, 'n', 'v', options)).rejects.toThrow(ConfigError)
      await expect(signValue(ring, 'n', 'v', options)).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      })
    }
    const token = await signValue(ring, 'n', 'v', { now: NOW, maxAge: 60 })
    for (const now of [Number.NaN, Infinity, Date.now()]) {
      await expect(verifyValue(ring, 'n', token, { now })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      })
      await expect(verifyValue(ring, 'n', 'garbage', { now })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      })
    }
  })

  describe('compression', () => {
    it('on: a compressible value is deflated (flag bit 0) and still verifies', async () => {
      const plain = await signValue(ring, 'n', COMPRESSIBLE, { now: NOW })
      const packed = await signValue(ring, 'n', COMPRESSIBLE, { now: NOW, compress: true })
      expect(envelopeOf(plain)[0]).toBe(0)
      expect(envelopeOf(packed)[0]).toBe(1)
      expect(packed.length).toBeLessThan(plain.length / 3)
      expect(await verifyValue(ring, 'n', packed, { now: NOW })).toMatchObject({
        ok: true,
        value: COMPRESSIBLE,
      })
    })

    it('on: values of 64 bytes or less, and values deflate would not shorten, stay as they are', async () => {
      const short = await signValue(ring, 'n', 'a'.repeat(64), { compress: true })
      expect(envelopeOf(short)[0]).toBe(0)
      expect(envelopeOf(await signValue(ring, 'n', 'a'.repeat(65), { compress: true }))[0]).toBe(1)
      const distinct = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_!*()~'
      const incompressible = await signValue(ring, 'n', distinct, { compress: true })
      expect(envelopeOf(incompressible)[0]).toBe(0)
      expect(await verifyValue(ring, 'n', incompressible)).toMatchObject({
        ok: true,
        value: distinct,
      })
    })

    it('on: never makes a token longer (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (value) => {
          const plain = await signValue(ring, 'n', value, { now: NOW })
          const packed = await signValue(ring, 'n', value, { now: NOW, compress: true })
          expect(packed.length).toBeLessThanOrEqual(plain.length)
          if (envelopeOf(packed)[0] === 0) expect(packed).toBe(plain)
        }),
        { numRuns: 100 },
      )
    })

    it('off by default', async () => {
      expect(envelopeOf(await signValue(ring, 'n', COMPRESSIBLE))[0]).toBe(0)
    })

    it('a deflate bomb inside an authentic token is refused, not inflated', async () => {
      const bomb = deflateRawSync(new Uint8Array(MAX_DATA_BYTES + 1))
      const token = await forge(concat(header(1, NOW, 0), bomb))
      expect(token.length).toBeLessThan(4096)
      expect(await verifyValue(ring, 'n', token, { now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      })
      const limit = await forge(
        concat(header(1, NOW, 0), deflateRawSync(new Uint8Array(MAX_DATA_BYTES))),
      )
      expect(await verifyValue(ring, 'n', limit, { now: NOW })).toMatchObject({ ok: true })
    })

    it('corrupt deflate data inside an authentic token: malformed', async () => {
      const token = await forge(concat(header(1, NOW, 0), Uint8Array.of(0xff, 0xff, 0xff)))
      expect(await verifyValue(ring, 'n', token, { now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      })
    })
  })

  it('authentic but ill-formed envelopes are malformed, never thrown', async () => {
    const cases = [
      new Uint8Array(0),
      new Uint8Array(8),
      header(2, NOW, 0), // unknown flag bit
      header(0x80, NOW, 0),
      concat(header(0, NOW, 0), Uint8Array.of(0xc3, 0x28)), // invalid UTF-8
      concat(header(0, NOW, 0), Uint8Array.of(0xed, 0xa0, 0x80)), // UTF-8 of a lone surrogate
    ]
    for (const envelope of cases) {
      expect(await verifyValue(ring, 'n', await forge(envelope), { now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      })
    }
    // the forging helper itself is sound:
    expect(
      await verifyValue(ring, 'n', await forge(header(0, NOW, 0)), { now: NOW }),
    ).toMatchObject({ ok: true, value: '' })
  })

  it('a sealed token given to verify: wrong_kind', async () => {
    const sealed = await sealValue(ring, 'n', 'v')
    expect(await verifyValue(ring, 'n', sealed)).toEqual({ ok: false, reason: 'wrong_kind' })
  })

  it('malformed shapes: malformed', async () => {
    const good = await signValue(ring, 'n', 'v')
    const [, kid, env, mac] = good.split('.') as [string, string, string, string]
    for (const token of [
      '',
      's1',
      's1.',
      `s1.${kid}`,
      `s1.${kid}.`,
      `s1.${kid}.${env}`,
      `s1.${kid}.${env}.`,
      `s1.${kid}.${env}.${mac}=`,
      `s1.${kid}.${env}=.${mac}`,
      `s1.${kid}.${env}.${mac.slice(0, -1)}`,
      `s1.${kid}.${env}.${mac}A`,
      `s1.${kid}.${env}.x.${mac}`,
      `s2.${kid}.${env}.${mac}`,
      `S1.${kid}.${env}.${mac}`,
      ` ${good}`,
      'x'.repeat(3 << 20),
    ]) {
      expect(await verifyValue(ring, 'n', token)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^(malformed|unknown_key)$/),
      })
    }
    for (const notString of [null, undefined, 42, {}, ['s1.a.b.c']]) {
      expect(await verifyValue(ring, 'n', notString as string)).toEqual({
        ok: false,
        reason: 'malformed',
      })
    }
  })

  it('never throws on garbage (property)', async () => {
    const kid = (await ring.current()).id
    const b64 = fc.string({
      unit: fc.constantFrom(
        ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=',
      ),
      maxLength: 120,
    })
    const garbage = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      b64.map((s) => `s1.${s}`),
      b64.map((s) => `s1.${kid}.${s}`),
      fc.tuple(b64, b64).map(([a, b]) => `s1.${kid}.${a}.${b}`),
      b64.map((s) => `e1.${kid}.${s}`),
    )
    await fc.assert(
      fc.asyncProperty(garbage, fc.string({ maxLength: 10 }), async (token, name) => {
        const result = await verifyValue(ring, name, token)
        expect(result.ok).toBe(false)
      }),
      { numRuns: 500 },
    )
  })
})
