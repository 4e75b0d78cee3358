import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'

// base64url has no crypto back-end: it is the same code on Node and elsewhere, so these tests are not
// parameterised. Node's Buffer serves as an independent oracle for RFC 4648 §5 without padding.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const bytesOf = (text: string) => new TextEncoder().encode(text)
const oracle = (data: Uint8Array) => Buffer.from(data).toString('base64url')

describe('base64url (RFC 4648 §5, unpadded)', () => {
  // RFC 4648 §10 test vectors, with the padding removed as §3.2 allows when the length is known.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %j <-> %j', (plain, encoded) => {
    expect(encodeBase64Url(bytesOf(plain))).toBe(encoded)
    expect(decodeBase64Url(encoded)).toEqual(bytesOf(plain))
  })

  it('uses - and _ where base64 uses + and /', () => {
    expect(encodeBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8')
    expect(encodeBase64Url(Uint8Array.of(0xff, 0xff, 0xfe))).toBe('___-')
    expect(decodeBase64Url('___-')).toEqual(Uint8Array.of(0xff, 0xff, 0xfe))
    expect(encodeBase64Url(Uint8Array.of(0, 0x10, 0x83))).toBe('ABCD')
  })

  it('round-trips any bytes and agrees with Buffer (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const text = encodeBase64Url(data)
        expect(text).toBe(oracle(data))
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(decodeBase64Url(text)).toEqual(data)
      }),
      { numRuns: 500 },
    )
  })

  it('decodes a string over the alphabet only when it is canonical, and then re-encodes to itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 }), (text) => {
        const data = decodeBase64Url(text)
        const canonical = text.length % 4 !== 1 && oracle(Buffer.from(text, 'base64url')) === text
        expect(data !== null).toBe(canonical)
        if (data) expect(encodeBase64Url(data)).toBe(text)
      }),
      { numRuns: 1000 },
    )
  })

  it.each(['Zg==', 'Zg=', 'Zm8=', 'Zm9v====', '=', '===='])('rejects padding: %j', (text) => {
    expect(decodeBase64Url(text)).toBeNull()
  })

  it.each([
    'Zm9v+w',
    'Zm9v/w',
    'Zm9v Yg',
    ' Zm9v',
    'Zm9v\n',
    'Zm9v.Yg',
    'Zm9vYé',
    'Zm9v\u0100g',
    'Zm9v\u{1F36A}',
    'Zm9v\0Yg',
  ])('rejects characters outside the alphabet: %j', (text) => {
    expect(decodeBase64Url(text)).toBeNull()
  })

  it.each(['Z', 'Zm9vY', 'Zm9vYmFyZ'])('rejects a length of 1 mod 4: %j', (text) => {
    expect(decodeBase64Url(text)).toBeNull()
  })

  it('rejects non-canonical trailing bits (two strings must never decode to one value)', () => {
    // 'Zg' is canonical for "f"; 'Zh'..'Zv' carry non-zero unused low bits.
    expect(decodeBase64Url('Zh')).toBeNull()
    expect(decodeBase64Url('Zm9')).toBeNull()
    expect(decodeBase64Url('Zm9vYh')).toBeNull()
    for (const [tail, bits] of [
      [1, 4],
      [2, 2],
    ] as const) {
      // every possible last character of a 1- or 2-byte tail: exactly one of them is canonical.
      for (let byte = 0; byte < 256; byte += 37) {
        const data = tail === 1 ? Uint8Array.of(byte) : Uint8Array.of(byte, 255 - byte)
        const canonical = encodeBase64Url(data)
        const last = ALPHABET.indexOf(canonical.at(-1) as string)
        let accepted = 0
        for (let low = 0; low < 1 << bits; low++) {
          const variant = canonical.slice(0, -1) + ALPHABET[(last & ~((1 << bits) - 1)) | low]
          const decoded = decodeBase64Url(variant)
          if (decoded) {
            accepted++
            expect(variant).toBe(canonical)
            expect(decoded).toEqual(data)
          }
        }
        expect(accepted).toBe(1)
      }
    }
  })

  it('encodes only the bytes inside a view', () => {
    const backing = Uint8Array.of(9, 1, 2, 3, 9)
    expect(encodeBase64Url(backing.subarray(1, 4))).toBe('AQID')
    expect(decodeBase64Url('AQID')).toEqual(Uint8Array.of(1, 2, 3))
  })
})
