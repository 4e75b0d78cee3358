import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { CLOCK_SKEW_SECONDS, MAX_DATA_BYTES } from './envelope.ts'
import { createKeyring } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue } from './sign.ts'

const S0 = 'seal test secret 0: newest, more than 32 bytes'
const S1 = 'seal test secret 1: older,  more than 32 bytes'
const S2 = 'seal test secret 2: oldest, more than 32 bytes'
const OUTSIDER = 'seal test secret that is in no ring, 32+ bytes'
const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z
const TOKEN = /^e1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/
const COMPRESSIBLE = JSON.stringify({
  cart: Array.from({ length: 40 }, () => ({ sku: 'widget', qty: 1 })),
})

const blobOf = (token: string) => decodeBase64Url(token.split('.')[2] as string) as Uint8Array
const contains = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(
    Buffer.from(needle),
  )

describe.each([nodeBackend, webBackend])('sealed values on the $name back-end', (backend) => {
  const ring = createKeyring([S0, S1, S2], { backend })

  /** Seals arbitrary envelope bytes with the ring's newest key, as a buggy or hostile sealer could. */
  async function forge(envelope: Uint8Array, name = 'n'): Promise<string> {
    const key = await backend.importAesGcm(
      await backend.hkdf(new TextEncoder().encode(S0), 'cookietin/v1 aes-256-gcm', 32),
    )
    const prefix = `e1.${(await ring.current()).id}`
    const nonce = crypto.getRandomValues(new Uint8Array(12))
    const sealed = await key.seal(nonce, envelope, new TextEncoder().encode(`${name}\0${prefix}`))
    return `${prefix}.${encodeBase64Url(Uint8Array.from([...nonce, ...sealed]))}`
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
    const token = await sealValue(ring, 'session', '{"user":"alice"}', { now: NOW, maxAge: 3600 })
    expect(token).toMatch(TOKEN)
    // 12-byte nonce + 9-byte header + 16 bytes of value + 16-byte tag
    expect(blobOf(token)).toHaveLength(12 + 9 + 16 + 16)
    expect(await unsealValue(ring, 'session', token, { now: NOW })).toEqual({
      ok: true,
      value: '{"user":"alice"}',
      issuedAt: NOW,
      expiresAt: NOW + 3600,
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
        const token = await sealValue(ring, 'n', value, { compress })
        expect(await unsealValue(ring, 'n', token)).toMatchObject({ ok: true, value })
      }
    }
  })

  it('round-trips any string of Unicode code points (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.boolean(),
        async (value, compress) => {
          const token = await sealValue(ring, 'n', value, { compress })
          expect(await unsealValue(ring, 'n', token)).toMatchObject({ ok: true, value })
        },
      ),
      { numRuns: 100 },
    )
  })

  it('differs on every call (random nonce) yet every token opens', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => sealValue(ring, 'n', 'same', { now: NOW })),
    )
    expect(new Set(tokens).size).toBe(50)
    expect(new Set(tokens.map((t) => encodeBase64Url(blobOf(t).subarray(0, 12)))).size).toBe(50)
    for (const token of tokens)
      expect(await unsealValue(ring, 'n', token, { now: NOW })).toMatchObject({
        ok: true,
        value: 'same',
      })
  })

  it('takes its nonce from the keyring random source', async () => {
    const nonce = Uint8Array.from({ length: 12 }, (_, i) => i + 1)
    const fixed = createKeyring([S0, S1, S2], {
      backend,
      random: (buffer) => (buffer.set(nonce), buffer),
    })
    const a = await sealValue(fixed, 'n', 'v', { now: NOW })
    expect(blobOf(a).subarray(0, 12)).toEqual(nonce)
    expect(await sealValue(fixed, 'n', 'v', { now: NOW })).toBe(a)
    expect(await unsealValue(ring, 'n', a, { now: NOW })).toMatchObject({ ok: true, value: 'v' })
  })

  it('a random source that does not return the 12-byte buffer throws ConfigError', async () => {
    for (const random of [
      () => new Uint8Array(8),
      () => new Uint8Array(16),
      () => undefined as unknown as Uint8Array,
    ]) {
      const bad = createKeyring(S0, { backend, random })
      await expect(sealValue(bad, 'n', 'v')).rejects.toThrow(ConfigError)
    }
  })

  it('does not reveal the plaintext', async () => {
    const secret = 'correct horse battery staple'
    const bytes = new TextEncoder().encode(secret)
    for (const compress of [false, true]) {
      const token = await sealValue(ring, 'n', secret.repeat(compress ? 4 : 1), { compress })
      expect(token).not.toContain(secret)
      expect(token).not.toContain(encodeBase64Url(bytes).slice(0, 12))
      expect(contains(blobOf(token), bytes)).toBe(false)
      expect(contains(blobOf(token), bytes.subarray(0, 6))).toBe(false)
    }
  })

  it('a value sealed by an older key opens and reports stale: true', async () => {
    for (const older of [[S1, S2], [S2]]) {
      const token = await sealValue(createKeyring(older, { backend }), 'n', 'old', { now: NOW })
      expect(await unsealValue(ring, 'n', token, { now: NOW })).toMatchObject({
        ok: true,
        value: 'old',
        stale: true,
      })
    }
  })

  it('a key not in the ring: unknown_key', async () => {
    const token = await sealValue(createKeyring(OUTSIDER, { backend }), 'n', 'v')
    expect(await unsealValue(ring, 'n', token)).toEqual({ ok: false, reason: 'unknown_key' })
    const old = await sealValue(createKeyring(S2, { backend }), 'n', 'v')
    expect(await unsealValue(createKeyring([S0, S1], { backend }), 'n', old)).toEqual({
      ok: false,
      reason: 'unknown_key',
    })
  })

  it('a value moved to another cookie name is rejected', async () => {
    const token = await sealValue(ring, 'session', 'v')
    for (const name of ['other', 'Session', 'session ', '', 'session\0', 'sessio']) {
      expect(await unsealValue(ring, name, token)).toEqual({ ok: false, reason: 'bad_signature' })
    }
  })

  it('a key id swapped for another key in the ring is rejected', async () => {
    const token = await sealValue(ring, 'n', 'v')
    const olderId = (await createKeyring(S1, { backend }).current()).id
    const swapped = token.replace(/^e1\.[^.]+\./, `e1.${olderId}.`)
    expect(await unsealValue(ring, 'n', swapped)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('expires at issued-at + maxAge (injected now)', async () => {
    const token = await sealValue(ring, 'n', 'v', { now: NOW, maxAge: 60 })
    expect(await unsealValue(ring, 'n', token, { now: NOW + 59 })).toMatchObject({
      ok: true,
      expiresAt: NOW + 60,
    })
    expect(await unsealValue(ring, 'n', token, { now: NOW + 60 })).toEqual({
      ok: false,
      reason: 'expired',
    })
    expect(await unsealValue(ring, 'n', token, { now: NOW + 10 ** 6 })).toEqual({
      ok: false,
      reason: 'expired',
    })
    for (const maxAge of [0, -5]) {
      const dead = await sealValue(ring, 'n', 'v', { now: NOW, maxAge })
      expect(await unsealValue(ring, 'n', dead, { now: NOW })).toEqual({
        ok: false,
        reason: 'expired',
      })
    }
  })

  it('issued in the future beyond the clock skew: not_yet_valid', async () => {
    const early = await sealValue(ring, 'n', 'v', { now: NOW + CLOCK_SKEW_SECONDS })
    expect(await unsealValue(ring, 'n', early, { now: NOW })).toMatchObject({ ok: true })
    const tooEarly = await sealValue(ring, 'n', 'v', { now: NOW + CLOCK_SKEW_SECONDS + 1 })
    expect(await unsealValue(ring, 'n', tooEarly, { now: NOW })).toEqual({
      ok: false,
      reason: 'not_yet_valid',
    })
  })

  it('bad time options throw ConfigError INVALID_OPTION', async () => {
    for (const options of [
      { maxAge: Number.NaN },
      { maxAge: Infinity },
      { now: Number.NaN },
      { now: Date.now() },
    ]) {
      await expect(sealValue(ring, 'n', 'v', options)).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      })
    }
    await expect(unsealValue(ring, 'n', 'e1.x.y', { now: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
  })

  describe('compression', () => {
    it('on: a compressible value is deflated, shorter, and still opens', async () => {
      const plain = await sealValue(ring, 'n', COMPRESSIBLE)
      const packed = await sealValue(ring, 'n', COMPRESSIBLE, { compress: true })
      expect(packed.length).toBeLessThan(plain.length / 3)
      expect(await unsealValue(ring, 'n', packed)).toMatchObject({ ok: true, value: COMPRESSIBLE })
    })

    it('off (the default): the sealed length follows the value length exactly', async () => {
      const token = await sealValue(ring, 'n', COMPRESSIBLE)
      expect(blobOf(token)).toHaveLength(12 + 9 + COMPRESSIBLE.length + 16)
      expect(blobOf(await sealValue(ring, 'n', 'a'.repeat(64), { compress: true }))).toHaveLength(
        12 + 9 + 64 + 16,
      )
    })

    it('a deflate bomb inside an authentic token is refused, not inflated', async () => {
      const token = await forge(
        concat(header(1, NOW, 0), deflateRawSync(new Uint8Array(MAX_DATA_BYTES + 1))),
      )
      expect(await unsealValue(ring, 'n', token, { now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      })
    })
  })

  it('authentic but ill-formed envelopes are malformed, never thrown', async () => {
    for (const envelope of [
      new Uint8Array(0),
      new Uint8Array(8),
      header(4, NOW, 0),
      concat(header(0, NOW, 0), Uint8Array.of(0xff)),
    ]) {
      expect(await unsealValue(ring, 'n', await forge(envelope), { now: NOW })).toEqual({
        ok: false,
        reason: 'malformed',
      })
    }
    expect(
      await unsealValue(ring, 'n', await forge(header(0, NOW, 0)), { now: NOW }),
    ).toMatchObject({ ok: true, value: '' })
  })

  it('a signed token given to unseal: wrong_kind', async () => {
    const signed = await signValue(ring, 'n', 'v')
    expect(await unsealValue(ring, 'n', signed)).toEqual({ ok: false, reason: 'wrong_kind' })
  })

  it('malformed shapes: malformed', async () => {
    const good = await sealValue(ring, 'n', 'v')
    const [, kid, blob] = good.split('.') as [string, string, string]
    for (const token of [
      '',
      'e1',
      'e1.',
      `e1.${kid}`,
      `e1.${kid}.`,
      `e1.${kid}.${blob}=`,
      `e1.${kid}.${blob}.`,
      `e1.${kid}.${blob}.${blob}`,
      `e1.${kid}.${blob.slice(0, 36)}`, // shorter than nonce + tag
      `e2.${kid}.${blob}`,
      ` ${good}`,
      'x'.repeat(3 << 20),
    ]) {
      expect(await unsealValue(ring, 'n', token)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^(malformed|unknown_key)$/),
      })
    }
    for (const notString of [null, undefined, 42, {}]) {
      expect(await unsealValue(ring, 'n', notString as string)).toEqual({
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
      b64.map((s) => `e1.${s}`),
      b64.map((s) => `e1.${kid}.${s}`),
      fc
        .uint8Array({ minLength: 0, maxLength: 80 })
        .map((bytes) => `e1.${kid}.${encodeBase64Url(bytes)}`),
      b64.map((s) => `s1.${kid}.${s}`),
    )
    await fc.assert(
      fc.asyncProperty(garbage, fc.string({ maxLength: 10 }), async (token, name) => {
        expect((await unsealValue(ring, name, token)).ok).toBe(false)
      }),
      { numRuns: 500 },
    )
  })
})
