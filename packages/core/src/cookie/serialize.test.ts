import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CookieError, type CookieErrorCode, isCookietinError } from '../errors.ts'
import {
  type CookieOptions,
  isValidCookieName,
  MAX_AGE_CAP_SECONDS,
  MAX_COOKIE_SIZE,
  parseCookies,
  serializeCookie,
  serializeCookieDeletion,
} from './index.ts'

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0)

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Options as a JavaScript caller or a JSON body might pass them, ignoring the types. */
function loose(options: Record<string, unknown>): CookieOptions {
  return options
}

describe('serializeCookie', () => {
  const cases: Array<[string, string, string, CookieOptions | undefined, string]> = [
    // RFC 6265 §3.1 examples (attributes in our fixed order).
    [
      'RFC 6265 §3.1 SID',
      'SID',
      '31d4d96e407aad42',
      { path: '/', domain: 'example.com', secure: true, httpOnly: true },
      'SID=31d4d96e407aad42; Domain=example.com; Path=/; HttpOnly; Secure',
    ],
    [
      'RFC 6265 §3.1 lang',
      'lang',
      'en-US',
      { path: '/', domain: 'example.com' },
      'lang=en-US; Domain=example.com; Path=/',
    ],
    ['no options', 'a', 'b', undefined, 'a=b'],
    ['empty value', 'a', '', {}, 'a='],
    [
      'every token character in the name',
      "!#$%&'*+-.^_`|~09AZaz",
      'v',
      {},
      "!#$%&'*+-.^_`|~09AZaz=v",
    ],
    [
      'every attribute, in jshttp/cookie order',
      'id',
      'x',
      {
        sameSite: 'Lax',
        priority: 'High',
        partitioned: true,
        secure: true,
        httpOnly: true,
        expires: new Date(Date.UTC(2025, 1, 1)),
        path: '/app',
        domain: '.example.com',
        maxAge: 3600,
      },
      'id=x; Max-Age=3600; Domain=.example.com; Path=/app; Expires=Sat, 01 Feb 2025 00:00:00 GMT; HttpOnly; Secure; Partitioned; Priority=High; SameSite=Lax',
    ],
    ['Max-Age 0', 'a', 'b', { maxAge: 0 }, 'a=b; Max-Age=0'],
    ['Max-Age at the cap', 'a', 'b', { maxAge: MAX_AGE_CAP_SECONDS }, 'a=b; Max-Age=34560000'],
    ['Max-Age over the cap is capped', 'a', 'b', { maxAge: 10 ** 12 }, 'a=b; Max-Age=34560000'],
    [
      'Expires in the past (deleting)',
      'a',
      'b',
      { expires: new Date(0) },
      'a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ],
    [
      'Expires past now + 400 days is capped',
      'a',
      'b',
      { expires: new Date(Date.UTC(2099, 0, 1)) },
      `a=b; Expires=${new Date(NOW + MAX_AGE_CAP_SECONDS * 1000).toUTCString()}`,
    ],
    ['secure: false writes nothing', 'a', 'b', { secure: false, httpOnly: false }, 'a=b'],
    ['SameSite true is Strict', 'a', 'b', { sameSite: true }, 'a=b; SameSite=Strict'],
    ['SameSite false is left out', 'a', 'b', { sameSite: false }, 'a=b'],
    ['SameSite lowercase', 'a', 'b', { sameSite: 'strict' }, 'a=b; SameSite=Strict'],
    ['SameSite any case', 'a', 'b', loose({ sameSite: 'lAX' }), 'a=b; SameSite=Lax'],
    ['SameSite=None forces Secure', 'a', 'b', { sameSite: 'none' }, 'a=b; Secure; SameSite=None'],
    [
      'SameSite=None forces Secure even if secure: false',
      'a',
      'b',
      { sameSite: 'None', secure: false },
      'a=b; Secure; SameSite=None',
    ],
    ['Partitioned forces Secure', 'a', 'b', { partitioned: true }, 'a=b; Secure; Partitioned'],
    ['Priority any case', 'a', 'b', { priority: 'low' }, 'a=b; Priority=Low'],
    ['Priority Medium', 'a', 'b', loose({ priority: 'MEDIUM' }), 'a=b; Priority=Medium'],
    [
      'domain with a digit-first label',
      'a',
      'b',
      { domain: '1x.example.com' },
      'a=b; Domain=1x.example.com',
    ],
    ['IPv4 domain', 'a', 'b', { domain: '127.0.0.1' }, 'a=b; Domain=127.0.0.1'],
    [
      'path with allowed punctuation',
      'a',
      'b',
      { path: '/a b/<c>,"d"=' },
      'a=b; Path=/a b/<c>,"d"=',
    ],
    // Prefixes (RFC 6265bis §4.1.3): the required attributes are added.
    ['__Secure- adds Secure', '__Secure-id', 'x', {}, '__Secure-id=x; Secure'],
    [
      '__Secure- keeps Domain and Path',
      '__Secure-id',
      'x',
      { domain: 'example.com', path: '/a' },
      '__Secure-id=x; Domain=example.com; Path=/a; Secure',
    ],
    ['__Host- adds Path=/ and Secure', '__Host-id', 'x', {}, '__Host-id=x; Path=/; Secure'],
    [
      '__Host- with Path=/ and Secure given',
      '__Host-id',
      'x',
      { path: '/', secure: true },
      '__Host-id=x; Path=/; Secure',
    ],
    ['prefixes match in any case', '__HOST-id', 'x', {}, '__HOST-id=x; Path=/; Secure'],
    ['__secure- in lowercase', '__secure-id', 'x', {}, '__secure-id=x; Secure'],
    ['not a prefix without the dash', '__Hostid', 'x', {}, '__Hostid=x'],
  ]

  it.each(cases)('%s', (_title, name, value, options, expected) => {
    expect(serializeCookie(name, value, options)).toBe(expected)
  })

  describe('value encoding', () => {
    const encodings: Array<[string, string]> = [
      ['plain', 'plain'],
      ['base64url-_', 'base64url-_'],
      ["!#$&'()*+-./:<=>?@[]^_`{|}~", "!#$&'()*+-./:<=>?@[]^_`{|}~"],
      ['hello world', 'hello%20world'],
      ['100%', '100%25'],
      ['%20', '%2520'],
      ['a;b,c"d\\e', 'a%3Bb%2Cc%22d%5Ce'],
      ['"quoted"', '%22quoted%22'],
      ['tab\there', 'tab%09here'],
      ['\u0000\u007f', '%00%7F'],
      ['ñ', '%C3%B1'],
      ['€', '%E2%82%AC'],
      ['😀', '%F0%9F%98%80'],
      ['{"user":"alice"}', '{%22user%22:%22alice%22}'],
    ]
    it.each(encodings)('%j is written as %j and parses back', (value, encoded) => {
      const header = serializeCookie('v', value)
      expect(header).toBe(`v=${encoded}`)
      expect(parseCookies(header)['v']).toBe(value)
    })
  })

  it('returns the value as it is when it needs no escaping', () => {
    const token = 'A'.repeat(4000)
    expect(serializeCookie('s', token)).toBe(`s=${token}`)
  })

  it('leaves exactly the cookie-octets other than % unescaped (RFC 6265 §4.1.1)', () => {
    // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
    const isCookieOctet = (c: number) =>
      c === 0x21 ||
      (c >= 0x23 && c <= 0x2b) ||
      (c >= 0x2d && c <= 0x3a) ||
      (c >= 0x3c && c <= 0x5b) ||
      (c >= 0x5d && c <= 0x7e)
    for (let c = 0; c < 0x100; c++) {
      const ch = String.fromCharCode(c)
      const raw = isCookieOctet(c) && ch !== '%'
      expect(serializeCookie('v', ch)).toBe(raw ? `v=${ch}` : `v=${encodeURIComponent(ch)}`)
    }
  })
})

describe('serializeCookie errors', () => {
  function thrown(fn: () => unknown): CookieError {
    try {
      fn()
    } catch (error) {
      expect(error).toBeInstanceOf(CookieError)
      expect(isCookietinError(error)).toBe(true)
      return error as CookieError
    }
    throw new Error('expected a CookieError, nothing was thrown')
  }

  const cases: Array<[CookieErrorCode, string, () => unknown, RegExp]> = [
    ['INVALID_COOKIE_NAME', 'empty', () => serializeCookie('', 'v'), /must not be empty/],
    [
      'INVALID_COOKIE_NAME',
      'space',
      () => serializeCookie('a b', 'v'),
      /"a b".*" " \(U\+0020\) at position 1/,
    ],
    [
      'INVALID_COOKIE_NAME',
      '=',
      () => serializeCookie('a=b', 'v'),
      /"=" \(U\+003D\) at position 1/,
    ],
    [
      'INVALID_COOKIE_NAME',
      ';',
      () => serializeCookie('ab;', 'v'),
      /";" \(U\+003B\) at position 2/,
    ],
    [
      'INVALID_COOKIE_NAME',
      'separator ( ',
      () => serializeCookie('(a)', 'v'),
      /"\(" \(U\+0028\) at position 0/,
    ],
    [
      'INVALID_COOKIE_NAME',
      'control',
      () => serializeCookie('a\u0000', 'v'),
      /\(U\+0000\) at position 1/,
    ],
    [
      'INVALID_COOKIE_NAME',
      'non-ASCII',
      () => serializeCookie('ñame', 'v'),
      /"ñ" \(U\+00F1\) at position 0/,
    ],
    [
      'INVALID_COOKIE_NAME',
      'not a string',
      () => serializeCookie(42 as unknown as string, 'v'),
      /must be a string, got number/,
    ],
    [
      'INVALID_COOKIE_VALUE',
      'lone high surrogate',
      () => serializeCookie('a', 'x\uD800'),
      /"a".*lone surrogate .*U\+D800\) at position 1/,
    ],
    [
      'INVALID_COOKIE_VALUE',
      'lone low surrogate',
      () => serializeCookie('a', '\uDC00x'),
      /lone surrogate .*U\+DC00\) at position 0/,
    ],
    [
      'INVALID_COOKIE_VALUE',
      'reversed pair',
      () => serializeCookie('a', 'ok \uDE00\uD83D'),
      /U\+DE00\) at position 3/,
    ],
    [
      'INVALID_COOKIE_VALUE',
      'not a string',
      () => serializeCookie('a', null as unknown as string),
      /"a" must be a string, got object/,
    ],
    [
      'COOKIE_TOO_LARGE',
      'raw',
      () => serializeCookie('a', 'x'.repeat(MAX_COOKIE_SIZE)),
      /"a" is 4097 bytes.*4096/,
    ],
    [
      'COOKIE_TOO_LARGE',
      'after encoding',
      () => serializeCookie('a', '€'.repeat(500)),
      /"a" is 4501 bytes/,
    ],
    [
      'INVALID_MAX_AGE',
      'negative',
      () => serializeCookie('a', 'b', { maxAge: -1 }),
      /"a" has an invalid maxAge -1/,
    ],
    [
      'INVALID_MAX_AGE',
      'NaN',
      () => serializeCookie('a', 'b', { maxAge: Number.NaN }),
      /maxAge NaN/,
    ],
    ['INVALID_MAX_AGE', 'fraction', () => serializeCookie('a', 'b', { maxAge: 1.5 }), /maxAge 1.5/],
    [
      'INVALID_MAX_AGE',
      'Infinity',
      () => serializeCookie('a', 'b', { maxAge: Number.POSITIVE_INFINITY }),
      /maxAge Infinity/,
    ],
    [
      'INVALID_MAX_AGE',
      'string',
      () => serializeCookie('a', 'b', loose({ maxAge: '60' })),
      /maxAge "60"/,
    ],
    [
      'INVALID_EXPIRES',
      'invalid Date',
      () => serializeCookie('a', 'b', { expires: new Date('nope') }),
      /invalid expires Invalid Date/,
    ],
    [
      'INVALID_EXPIRES',
      'before 1601',
      () => serializeCookie('a', 'b', { expires: new Date(Date.UTC(1600, 11, 31)) }),
      /1600-12-31.*before 1601/,
    ],
    [
      'INVALID_EXPIRES',
      'not a Date',
      () => serializeCookie('a', 'b', loose({ expires: 'tomorrow' })),
      /invalid expires "tomorrow"/,
    ],
    [
      'INVALID_DOMAIN',
      'space',
      () => serializeCookie('a', 'b', { domain: 'exa mple.com' }),
      /"exa mple.com".*" " \(U\+0020\) at position 3/,
    ],
    [
      'INVALID_DOMAIN',
      'port',
      () => serializeCookie('a', 'b', { domain: 'example.com:8080' }),
      /":" \(U\+003A\) at position 11/,
    ],
    [
      'INVALID_DOMAIN',
      'path',
      () => serializeCookie('a', 'b', { domain: 'example.com/x' }),
      /"\/" \(U\+002F\) at position 11/,
    ],
    [
      'INVALID_DOMAIN',
      'underscore',
      () => serializeCookie('a', 'b', { domain: 'my_host.com' }),
      /"_" \(U\+005F\)/,
    ],
    [
      'INVALID_DOMAIN',
      'empty',
      () => serializeCookie('a', 'b', { domain: '' }),
      /domain "": it is empty/,
    ],
    [
      'INVALID_DOMAIN',
      'trailing dot',
      () => serializeCookie('a', 'b', { domain: 'example.com.' }),
      /ends with "."/,
    ],
    [
      'INVALID_DOMAIN',
      'empty label',
      () => serializeCookie('a', 'b', { domain: 'a..b' }),
      /empty label at position 2/,
    ],
    [
      'INVALID_DOMAIN',
      'two leading dots',
      () => serializeCookie('a', 'b', { domain: '..a' }),
      /empty label at position 1/,
    ],
    [
      'INVALID_DOMAIN',
      'leading hyphen',
      () => serializeCookie('a', 'b', { domain: '-a.com' }),
      /label "-a" starts or ends with "-"/,
    ],
    [
      'INVALID_DOMAIN',
      'trailing hyphen',
      () => serializeCookie('a', 'b', { domain: 'a-.com' }),
      /label "a-" starts or ends/,
    ],
    [
      'INVALID_DOMAIN',
      'long label',
      () => serializeCookie('a', 'b', { domain: `${'x'.repeat(64)}.com` }),
      /label "x{64}" is longer than 63/,
    ],
    [
      'INVALID_DOMAIN',
      'long name',
      () => serializeCookie('a', 'b', { domain: `${'abc.'.repeat(64)}com` }),
      /longer than 253/,
    ],
    [
      'INVALID_DOMAIN',
      'IPv6',
      () => serializeCookie('a', 'b', { domain: '[::1]' }),
      /"\[" \(U\+005B\) at position 0/,
    ],
    [
      'INVALID_PATH',
      'relative',
      () => serializeCookie('a', 'b', { path: 'app' }),
      /path "app": it must start with "\/"/,
    ],
    [
      'INVALID_PATH',
      'empty',
      () => serializeCookie('a', 'b', { path: '' }),
      /path "": it must start with "\/"/,
    ],
    [
      'INVALID_PATH',
      'semicolon',
      () => serializeCookie('a', 'b', { path: '/a;b' }),
      /";" \(U\+003B\) at position 2/,
    ],
    [
      'INVALID_PATH',
      'newline',
      () => serializeCookie('a', 'b', { path: '/a\nb' }),
      /\(U\+000A\) at position 2/,
    ],
    [
      'INVALID_PATH',
      'non-ASCII',
      () => serializeCookie('a', 'b', { path: '/é' }),
      /"é" \(U\+00E9\) at position 1/,
    ],
    [
      'INVALID_PATH',
      'too long',
      () => serializeCookie('a', 'b', { path: `/${'a'.repeat(1024)}` }),
      /longer than 1024/,
    ],
    [
      'INVALID_SAME_SITE',
      'unknown word',
      () => serializeCookie('a', 'b', loose({ sameSite: 'strictly' })),
      /"a" has an invalid sameSite "strictly"/,
    ],
    [
      'INVALID_SAME_SITE',
      'empty string',
      () => serializeCookie('a', 'b', loose({ sameSite: '' })),
      /invalid sameSite ""/,
    ],
    [
      'INVALID_SAME_SITE',
      'number',
      () => serializeCookie('a', 'b', loose({ sameSite: 1 })),
      /invalid sameSite 1/,
    ],
    [
      'INVALID_PRIORITY',
      'unknown word',
      () => serializeCookie('a', 'b', loose({ priority: 'urgent' })),
      /"a" has an invalid priority "urgent"/,
    ],
    [
      'INVALID_PREFIX',
      '__Secure- with secure: false',
      () => serializeCookie('__Secure-a', 'b', { secure: false }),
      /"__Secure-a" has the __Secure- prefix, which requires Secure/,
    ],
    [
      'INVALID_PREFIX',
      '__Host- with secure: false',
      () => serializeCookie('__Host-a', 'b', { secure: false }),
      /__Host- prefix, which requires Secure/,
    ],
    [
      'INVALID_PREFIX',
      '__Host- with a Domain',
      () => serializeCookie('__Host-a', 'b', { domain: 'example.com' }),
      /forbids a Domain, but domain is "example.com"/,
    ],
    [
      'INVALID_PREFIX',
      '__Host- with another Path',
      () => serializeCookie('__Host-a', 'b', { path: '/app' }),
      /requires Path=\/, but path is "\/app"/,
    ],
    [
      'INVALID_PREFIX',
      '__host- in lowercase with a Domain',
      () => serializeCookie('__host-a', 'b', { domain: 'example.com' }),
      /has the __host- prefix/,
    ],
    [
      'INVALID_PREFIX',
      'deleting __Host- with a Domain',
      () => serializeCookieDeletion('__Host-a', { domain: 'example.com' }),
      /forbids a Domain/,
    ],
  ]

  it.each(cases)('%s: %s', (code, _title, fn, message) => {
    const error = thrown(fn)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
  })

  it('has a test above for every CookieError code', () => {
    const codes: Record<CookieErrorCode, true> = {
      INVALID_COOKIE_NAME: true,
      INVALID_COOKIE_VALUE: true,
      INVALID_DOMAIN: true,
      INVALID_PATH: true,
      INVALID_MAX_AGE: true,
      INVALID_EXPIRES: true,
      INVALID_SAME_SITE: true,
      INVALID_PRIORITY: true,
      INVALID_PREFIX: true,
      COOKIE_TOO_LARGE: true,
    }
    expect(new Set(cases.map(([code]) => code))).toEqual(new Set(Object.keys(codes)))
  })

  it('accepts a cookie of exactly 4096 bytes of name and value', () => {
    expect(serializeCookie('a', 'x'.repeat(MAX_COOKIE_SIZE - 1))).toHaveLength(MAX_COOKIE_SIZE + 1)
  })
})

describe('serializeCookieDeletion', () => {
  const epoch = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'

  it.each<[string, string, Parameters<typeof serializeCookieDeletion>[1], string]>([
    ['no path', 'a', undefined, `a=; Max-Age=0; ${epoch}`],
    ['path /', 'lang', { path: '/' }, `lang=; Max-Age=0; Path=/; ${epoch}`],
    [
      'every attribute',
      'sid',
      {
        domain: 'example.com',
        path: '/app',
        secure: true,
        httpOnly: true,
        sameSite: 'lax',
        partitioned: true,
      },
      `sid=; Max-Age=0; Domain=example.com; Path=/app; ${epoch}; HttpOnly; Secure; Partitioned; SameSite=Lax`,
    ],
    [
      'SameSite=None keeps Secure',
      's',
      { sameSite: 'None' },
      `s=; Max-Age=0; ${epoch}; Secure; SameSite=None`,
    ],
    [
      '__Host- gets Path=/ and Secure',
      '__Host-s',
      {},
      `__Host-s=; Max-Age=0; Path=/; ${epoch}; Secure`,
    ],
    [
      '__Secure- gets Secure',
      '__Secure-s',
      { path: '/x' },
      `__Secure-s=; Max-Age=0; Path=/x; ${epoch}; Secure`,
    ],
  ])('%s', (_title, name, options, expected) => {
    expect(serializeCookieDeletion(name, options)).toBe(expected)
  })

  it('matches the Domain and Path of the cookie it deletes', () => {
    const options = {
      domain: 'example.com',
      path: '/shop',
      secure: true,
      sameSite: 'Strict',
    } as const
    const attributes = (header: string) =>
      header
        .split('; ')
        .slice(1)
        .filter((attribute) => /^(Domain|Path)=/.test(attribute))
    expect(attributes(serializeCookieDeletion('cart', options))).toEqual(
      attributes(serializeCookie('cart', 'x', { ...options, maxAge: 3600 })),
    )
  })

  it('ignores lifetime options a JavaScript caller passes anyway', () => {
    const header = serializeCookieDeletion('a', { maxAge: 3600, expires: new Date(NOW) } as never)
    expect(header).toBe(`a=; Max-Age=0; ${epoch}`)
  })

  it('validates the name, domain and path', () => {
    expect(() => serializeCookieDeletion('a b')).toThrow(
      expect.objectContaining({ code: 'INVALID_COOKIE_NAME' }),
    )
    expect(() => serializeCookieDeletion('a', { domain: 'a b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_DOMAIN' }),
    )
    expect(() => serializeCookieDeletion('a', { path: 'x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PATH' }),
    )
  })
})

describe('isValidCookieName', () => {
  it('accepts exactly the RFC 9110 tchar characters', () => {
    const tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    for (let c = 0; c < 0x100; c++) {
      const ch = String.fromCharCode(c)
      expect(isValidCookieName(ch)).toBe(tchars.includes(ch))
      expect(isValidCookieName(`a${ch}b`)).toBe(tchars.includes(ch))
    }
  })

  it.each([
    ['session', true],
    ['__Host-id', true],
    ["!#$%&'*+-.^_`|~", true],
    ['a.b', true],
    ['', false],
    ['a b', false],
    ['a=b', false],
    ['a;b', false],
    ['a,b', false],
    ['"a"', false],
    ['a/b', false],
    ['a\tb', false],
    ['café', false],
    ['a\u007f', false],
  ])('%j → %s', (name, expected) => {
    expect(isValidCookieName(name)).toBe(expected)
  })

  it('agrees with serializeCookie', () => {
    for (const name of ['ok', 'not ok', '', 'a@b', 'a:b']) {
      const serializes = (() => {
        try {
          serializeCookie(name, 'v')
          return true
        } catch {
          return false
        }
      })()
      expect(isValidCookieName(name)).toBe(serializes)
    }
  })
})
