import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AesGcm, CryptoBackend, Hmac } from './backend.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { createKeyring } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

/**
 * The node back-end's synchronous text path (signText, sealText, native base64url) must write the
 * very tokens the byte path writes and give the same result, reason included, for any token.
 * The byte path is the same back-end with its optional fast paths removed.
 */
const SECRETS = [
  'fast path test secret 0: newest, 32+ bytes',
  'fast path test secret 1: older, 32+ bytes',
]
const NOW = 1_767_225_600

const bytesOnly: CryptoBackend = {
  name: 'node',
  hkdf: (secret, info, length) => nodeBackend.hkdf(secret, info, length),
  compress: (data, format) => nodeBackend.compress(data, format),
  decompress: (data, format, maxLength) => nodeBackend.decompress(data, format, maxLength),
  importHmac: async (hash, key) => {
    const hmac = await nodeBackend.importHmac(hash, key)
    return {
      sign: (data) => hmac.sign(data),
      verify: (data, mac) => hmac.verify(data, mac),
    } satisfies Hmac
  },
  importAesGcm: async (key) => {
    const aes = await nodeBackend.importAesGcm(key)
    return {
      seal: (nonce, plaintext, additionalData) => aes.seal(nonce, plaintext, additionalData),
      open: (nonce, sealed, additionalData) => aes.open(nonce, sealed, additionalData),
    } satisfies AesGcm
  },
}

function fixedRandom() {
  let counter = 0
  return (buffer: Uint8Array) => {
    for (let i = 0; i < buffer.length; i++) buffer[i] = (counter++ * 37) & 255
    return buffer
  }
}

async function rings(secrets: string[] = SECRETS) {
  expect(nodeBackend.encodeTextBase64Url && nodeBackend.decodeBase64Url).toBeTypeOf('function')
  const fast = createKeyring(secrets, { backend: nodeBackend, random: fixedRandom() })
  const slow = createKeyring(secrets, { backend: bytesOnly, random: fixedRandom() })
  // Derive first: the fast path starts once the keys are there.
  await fast.current()
  await slow.current()
  return { fast, slow }
}

const value = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }))
const name = fc.constantFrom('pref', 'session:session', 'é')

function variants(token: string): string[] {
  const out = [
    token,
    `${token}A`,
    token.slice(0, -1),
    token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
  ]
  const lastDot = token.lastIndexOf('.')
  out.push(
    `${token.slice(0, lastDot)}.${token
      .slice(lastDot + 1)
      .replace(/-/g, '+')
      .replace(/_/g, '/')}`,
  )
  const parts = token.split('.')
  for (let i = 2; i < parts.length; i++) {
    const bytes = decodeBase64Url(parts[i] as string)
    if (!bytes || bytes.length === 0) continue
    const flipped = Uint8Array.from(bytes)
    flipped[flipped.length >> 1]! ^= 1
    out.push([...parts.slice(0, i), encodeBase64Url(flipped), ...parts.slice(i + 1)].join('.'))
    out.push([...parts.slice(0, i), `${parts[i]}=`, ...parts.slice(i + 1)].join('.'))
  }
  return out
}

describe('node fast path', () => {
  for (const [kind, make, open] of [
    ['signed', signValue, verifyValue],
    ['sealed', sealValue, unsealValue],
  ] as const) {
    it(`${kind}: writes the byte path's tokens and opens every variant alike (property)`, async () => {
      const { fast, slow } = await rings()
      await fc.assert(
        fc.asyncProperty(
          value,
          name,
          fc.option(fc.integer({ min: -5, max: 100000 }), { nil: undefined }),
          async (text, cookie, maxAge) => {
            const options = maxAge === undefined ? { now: NOW } : { now: NOW, maxAge }
            const token = await make(fast, cookie, text, options)
            expect(token).toBe(await make(slow, cookie, text, options))
            for (const candidate of variants(token)) {
              for (const at of [NOW, NOW + 200000]) {
                expect(await open(fast, cookie, candidate, { now: at })).toEqual(
                  await open(slow, cookie, candidate, { now: at }),
                )
              }
            }
            expect(await open(fast, 'other', token, { now: NOW })).toEqual({
              ok: false,
              reason: 'bad_signature',
            })
          },
        ),
        { numRuns: 60 },
      )
    })

    it(`${kind}: an older key's token is stale on both paths`, async () => {
      const older = await rings([SECRETS[1] as string])
      const token = await make(older.fast, 'pref', 'value', { now: NOW })
      const { fast, slow } = await rings()
      const opened = await open(fast, 'pref', token, { now: NOW })
      expect(opened).toEqual(await open(slow, 'pref', token, { now: NOW }))
      expect(opened).toMatchObject({ ok: true, value: 'value', stale: true })
    })
  }

  it('keeps throwing for a bad now, as a rejection', async () => {
    const { fast } = await rings()
    await expect(signValue(fast, 'pref', 'x', { now: Number.NaN })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(verifyValue(fast, 'pref', 'garbage', { now: -1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(
      sealValue(fast, 'pref', 'x', { maxAge: Number.POSITIVE_INFINITY }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })
})
