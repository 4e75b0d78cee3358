import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import type { OpenResult, SealOptions } from './envelope.ts'
import { createKeyring, type Keyring } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

/**
 * Every small change to an authentic token is rejected: each bit of each base64url-decoded part
 * flipped and re-encoded, each bit of each character flipped, every truncation and every extension.
 * A few hundred random values in all (100 per back-end and kind).
 */
const SECRETS = [
  'tamper test secret 0: newest, more than 32 bytes',
  'tamper test secret 1: older, more than 32 bytes',
]
const NOW = 1_767_225_600
const RUNS = 100
const EXTENSION_CHARS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '.',
  '=',
  '+',
  '/',
  ' ',
  '\0',
  'é',
]

type Open = (
  keyring: Keyring,
  name: string,
  token: string,
  options: { now: number },
) => Promise<OpenResult>
const KINDS = [
  { kind: 'signed', make: signValue, open: verifyValue as Open },
  { kind: 'sealed', make: sealValue, open: unsealValue as Open },
] as const

/** All tokens that differ from `token` by one flipped bit in the bytes one of its base64url parts decodes to. */
function* decodedBitFlips(token: string): Generator<string> {
  const parts = token.split('.')
  for (let p = 1; p < parts.length; p++) {
    const bytes = decodeBase64Url(parts[p] as string)
    if (!bytes) throw new Error(`part ${p} of ${token} is not base64url`)
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice()
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (0x80 >> (bit & 7))
      yield parts.map((part, i) => (i === p ? encodeBase64Url(flipped) : part)).join('.')
    }
  }
}

/** All tokens that differ from `token` by one flipped bit in one character's code (7 bits: ASCII). */
function* characterBitFlips(token: string): Generator<string> {
  for (let i = 0; i < token.length; i++) {
    for (let bit = 0; bit < 7; bit++) {
      yield token.slice(0, i) +
        String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) +
        token.slice(i + 1)
    }
  }
}

function* truncations(token: string): Generator<string> {
  for (let length = 0; length < token.length; length++) yield token.slice(0, length)
}

function* extensions(token: string, extra: string): Generator<string> {
  for (const char of EXTENSION_CHARS) yield token + char
  yield token + extra
  yield `${token}.${extra}`
  yield `${token}${token}`
}

const options = fc.record(
  { maxAge: fc.integer({ min: 1, max: 10 ** 8 }), compress: fc.boolean() },
  { requiredKeys: [] },
) as fc.Arbitrary<SealOptions>

describe.each([nodeBackend, webBackend])('tampering on the $name back-end', (backend) => {
  const ring = createKeyring(SECRETS, { backend })
  const olderRing = createKeyring(SECRETS.slice(1), { backend })

  describe.each(KINDS)('$kind values', ({ make, open }) => {
    it('every bit flip, truncation and extension of an authentic token is rejected (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })),
          options,
          fc.boolean(),
          fc.string({ minLength: 1, maxLength: 8 }),
          async (value, sealOptions, byOlderKey, extra) => {
            const token = await make(byOlderKey ? olderRing : ring, 'session', value, {
              ...sealOptions,
              now: NOW,
            })
            const genuine = await open(ring, 'session', token, { now: NOW })
            expect(genuine).toMatchObject({ ok: true, value, stale: byOlderKey })

            const seen = new Set<string>([token])
            for (const source of [
              decodedBitFlips(token),
              characterBitFlips(token),
              truncations(token),
              extensions(token, extra),
            ]) {
              for (const forged of source) {
                if (seen.has(forged)) continue
                seen.add(forged)
                const result = await open(ring, 'session', forged, { now: NOW })
                if (result.ok)
                  throw new Error(
                    `accepted a tampered token: ${JSON.stringify(forged)} (from ${token})`,
                  )
              }
            }
            // The genuine token still opens after all that (no state was disturbed).
            expect(await open(ring, 'session', token, { now: NOW })).toEqual(genuine)
          },
        ),
        { numRuns: RUNS },
      )
    }, 300_000)
  })
})
