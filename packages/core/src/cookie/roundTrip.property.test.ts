import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CookieError } from '../errors.ts'
import { MAX_COOKIE_SIZE, parseCookie, parseCookies, serializeCookie } from './index.ts'

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
/** Any valid cookie name: a non-empty RFC 9110 token. */
const tokenName = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 40 })

/** Well-formed strings: any code point, surrogate pairs only as pairs. */
const anyValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  // Characters that matter to the codec, so quotes, escapes and separators meet often.
  fc.string({
    unit: fc.constantFrom('"', '%', ';', '=', ' ', '\t', ',', '\\', 'a', '%2', '€'),
    maxLength: 40,
  }),
)

/** Any UTF-16 code units, lone surrogates included. */
const anyUtf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 200,
})

/** The name=value part of a Set-Cookie header: what a browser sends back in `Cookie`. */
function pairOf(setCookie: string): string {
  const end = setCookie.indexOf(';')
  return end === -1 ? setCookie : setCookie.slice(0, end)
}

function isCookieOctetButPercent(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return (
    ch.length === 1 &&
    c >= 0x21 &&
    c <= 0x7e &&
    c !== 0x22 &&
    c !== 0x25 &&
    c !== 0x2c &&
    c !== 0x3b &&
    c !== 0x5c
  )
}

describe('serialize then parse', () => {
  it('gives back every value under every valid name', () => {
    fc.assert(
      fc.property(tokenName, anyValue, (name, value) => {
        const header = pairOf(serializeCookie(name, value, { path: '/', httpOnly: true }))
        expect(parseCookies(header)[name]).toBe(value)
        expect(parseCookie(header, name)).toBe(value)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives back every cookie of a Cookie header built from several of them', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(tokenName, anyValue), {
          selector: ([name]) => name,
          maxLength: 10,
        }),
        fc.constantFrom('; ', ';', ' ;\t'),
        (cookies, separator) => {
          const header = cookies
            .map(([name, value]) => pairOf(serializeCookie(name, value)))
            .join(separator)
          expect({ ...parseCookies(header) }).toEqual(Object.fromEntries(cookies))
        },
      ),
    )
  })

  it('writes only cookie-octets, escaping exactly what encodeURIComponent would for the rest', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const encoded = serializeCookie('v', value).slice(2)
        // RFC 6265 §4.1.1 cookie-value: what every server and proxy can carry unchanged.
        expect(encoded).toMatch(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/)
        const expected = Array.from(value, (ch) =>
          isCookieOctetButPercent(ch) ? ch : encodeURIComponent(ch),
        )
        expect(encoded).toBe(expected.join(''))
      }),
    )
  })

  it('refuses exactly the values that have no UTF-8 encoding (lone surrogates)', () => {
    fc.assert(
      fc.property(anyUtf16, (value) => {
        let wellFormed = true
        try {
          encodeURIComponent(value)
        } catch {
          wellFormed = false
        }
        if (wellFormed) {
          expect(parseCookies(serializeCookie('v', value))['v']).toBe(value)
        } else {
          expect(() => serializeCookie('v', value)).toThrow(
            expect.objectContaining({ code: 'INVALID_COOKIE_VALUE' }),
          )
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses a cookie exactly when name and encoded value exceed 4096 bytes', () => {
    fc.assert(
      fc.property(
        tokenName,
        fc.integer({ min: 4000, max: 4200 }),
        fc.constantFrom('a', ' ', '€'),
        (name, length, unit) => {
          const value = unit.repeat(Math.ceil(length / encodeURIComponent(unit).length))
          const size = name.length + encodeURIComponent(value).length
          if (size > MAX_COOKIE_SIZE) {
            expect(() => serializeCookie(name, value)).toThrow(CookieError)
          } else {
            expect(parseCookies(serializeCookie(name, value))[name]).toBe(value)
          }
        },
      ),
    )
  })
})

describe('parseCookies on arbitrary input', () => {
  /** Headers that are mostly cookie syntax, so pairs, quotes and escapes actually occur. */
  const headerish = fc.string({
    unit: fc.constantFrom(
      ';',
      '=',
      ' ',
      '\t',
      '"',
      '%',
      '%2',
      '%E2',
      'a',
      'b',
      '__proto__',
      'é',
      '\uD800',
    ),
    maxLength: 60,
  })
  const anyHeader = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    anyUtf16,
    headerish,
  )

  it('never throws and returns only trimmed, non-empty names and strings', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        const cookies = parseCookies(header)
        expect(cookies instanceof Object).toBe(false)
        for (const [name, value] of Object.entries(cookies)) {
          expect(name).toMatch(/^[^ \t;=](?:[^;=]*[^ \t;=])?$/)
          expect(typeof value).toBe('string')
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('parseCookie reads any one name exactly as parseCookies does', () => {
    fc.assert(
      fc.property(anyHeader, fc.oneof(fc.string({ maxLength: 4 }), headerish), (header, other) => {
        const cookies = parseCookies(header)
        for (const name of Object.keys(cookies))
          expect(parseCookie(header, name)).toBe(cookies[name])
        expect(parseCookie(header, other)).toBe(cookies[other])
      }),
      { numRuns: 3000 },
    )
  })
})
