/**
 * cookietin against jshttp/cookie v2 (`cookie@2`, what Express and most of npm use), so that moving
 * an app over changes nothing but what docs/cookies.md, "Intentional differences from
 * jshttp/cookie", lists. Each difference is either filtered out below or applied to cookie@2's
 * result, with a comment naming the item of that section.
 */
import * as jshttp from 'cookie'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_AGE_CAP_SECONDS,
  type Priority,
  type SameSite,
  parseCookie,
  parseCookies,
  serializeCookie,
} from './index.ts'

// ---------------------------------------------------------------------------------------------
// Parsing

/** Strings biased towards the characters the parsers treat specially. */
const part = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        ' ',
        '\t',
        '"',
        '=',
        ';',
        '%',
        '%41',
        '%E2%82%AC',
        '%zz',
        '__proto__',
        '\uD800',
      ),
      maxLength: 8,
    }),
  },
)
/** Headers built from pairs of arbitrary strings, some without '=', joined as browsers or attackers might. */
const header = fc
  .array(
    fc.tuple(part, fc.option(part, { nil: undefined }), fc.constantFrom('; ', ';', ' ; ', ';;')),
    {
      maxLength: 8,
    },
  )
  .map((pairs) =>
    pairs
      .map(([name, value, sep]) => (value === undefined ? name : `${name}=${value}`) + sep)
      .join(''),
  )

/** cookie@2's own default decoding, reproduced so it can be applied after unquoting. */
function jshttpDecode(value: string): string {
  if (!value.includes('%')) return value
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function isQuoted(value: string): boolean {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
}

/** cookie@2's result, and whether a documented difference applies to this header. */
function theirs(text: string): { cookies: Record<string, string | undefined>; differs: boolean } {
  let quoted = false
  const cookies = jshttp.parseCookie(text, {
    // cookie@2 calls `decode` with the trimmed raw value of each name's first pair.
    decode(raw) {
      if (isQuoted(raw)) quoted = true
      return jshttpDecode(raw)
    },
  })
  // docs/cookies.md, differences 1 (empty names) and 2 (quoted values).
  return { cookies, differs: quoted || '' in cookies }
}

describe('parsing agrees with cookie@2', () => {
  it('on headers none of the documented differences touch', () => {
    let generated = 0
    let compared = 0
    fc.assert(
      fc.property(header, (text) => {
        generated++
        const { cookies, differs } = theirs(text)
        fc.pre(!differs) // docs/cookies.md, "Intentional differences from jshttp/cookie" 1 and 2
        compared++
        const ours = parseCookies(text)
        expect({ ...ours }).toEqual({ ...cookies })
        expect(Object.keys(ours)).toEqual(Object.keys(cookies))
        for (const name of Object.keys(cookies)) expect(parseCookie(text, name)).toBe(cookies[name])
      }),
      { numRuns: 3000 },
    )
    // The filter must leave a good share of the generated headers in (about half, measured), or
    // this test would prove little; the next test covers the rest.
    expect(compared / generated).toBeGreaterThan(0.3)
  })

  it('on every header, once the documented differences are applied to cookie@2', () => {
    fc.assert(
      fc.property(header, (text) => {
        const adjusted = jshttp.parseCookie(text, {
          // docs/cookies.md difference 2: one pair of surrounding quotes is removed before decoding.
          decode: (raw) => jshttpDecode(isQuoted(raw) ? raw.slice(1, -1) : raw),
        })
        // docs/cookies.md difference 1: a pair with an empty name is skipped.
        delete adjusted['']
        expect({ ...parseCookies(text) }).toEqual({ ...adjusted })
      }),
      { numRuns: 3000 },
    )
  })

  it('differs only as documented on the examples in docs/cookies.md', () => {
    // 1. Empty names.
    expect({ ...jshttp.parseCookie('=x; a=1') }).toEqual({ '': 'x', a: '1' })
    expect({ ...parseCookies('=x; a=1') }).toEqual({ a: '1' })
    // 2. Quoted values.
    expect(jshttp.parseCookie('a="hello world"')['a']).toBe('"hello world"')
    expect(parseCookies('a="hello world"')['a']).toBe('hello world')
    expect(jshttp.parseCookie('a="%E2%82%AC"')['a']).toBe('"€"')
    expect(parseCookies('a="%E2%82%AC"')['a']).toBe('€')
    // Values that are not wrapped in a pair of quotes are read alike.
    for (const text of ['a="', 'a="x', 'a=x"', 'a=x"y"z', 'a=%22x%22']) {
      expect(parseCookies(text)['a']).toBe(jshttp.parseCookie(text)['a'])
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Serializing

const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
const tokenName = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 20 })
// docs/cookies.md difference 6: cookie@2 has no notion of the __Secure-/__Host- prefixes.
const unprefixedName = tokenName.filter((name) => !/^__(secure|host)-/i.test(name))
/** Values both libraries write unchanged (cookie-octets other than '%'). */
const plainValue = fc.string({
  unit: fc.constantFrom(
    ...TCHARS.replace('%', ''),
    '(',
    ')',
    '/',
    ':',
    '<',
    '>',
    '?',
    '@',
    '[',
    ']',
    '{',
    '}',
    '`',
  ),
  maxLength: 50,
})
const anyValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.string({ maxLength: 30 }),
)

/** Options both libraries accept and write the same way (see the filters for the exceptions). */
const sharedOptions = fc
  .record(
    {
      // docs/cookies.md difference 4: only lifetimes within 400 days, which we would cap.
      maxAge: fc.integer({ min: 0, max: MAX_AGE_CAP_SECONDS }),
      expires: fc.date({
        min: new Date(Date.UTC(1601, 0, 1)),
        max: new Date(Date.now() + (MAX_AGE_CAP_SECONDS - 86400) * 1000),
        noInvalidDate: true,
      }),
      domain: fc
        .tuple(fc.boolean(), fc.domain())
        .map(([dot, domain]) => (dot ? `.${domain}` : domain)),
      // docs/cookies.md difference 7: cookie@2 refuses '<' in a path, which RFC 6265bis allows.
      path: fc
        .string({
          unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
          maxLength: 30,
        })
        .map((rest) => `/${rest.replace(/[;<]/g, '')}`),
      httpOnly: fc.boolean(),
      secure: fc.boolean(),
      partitioned: fc.boolean(),
      priority: fc.constantFrom<Priority[]>('Low', 'Medium', 'High', 'low', 'medium', 'high'),
      sameSite: fc.constantFrom<SameSite[]>(
        'Strict',
        'Lax',
        'None',
        'strict',
        'lax',
        'none',
        true,
        false,
      ),
    },
    { requiredKeys: [] },
  )
  // docs/cookies.md difference 5: we add Secure where browsers require it; cookie@2 leaves the
  // cookie to be rejected.
  .filter(
    (o) => o.secure === true || (!o.partitioned && String(o.sameSite).toLowerCase() !== 'none'),
  )

describe('serializing agrees with cookie@2', () => {
  it('writes the same Set-Cookie for shared options and values needing no escape', () => {
    fc.assert(
      fc.property(unprefixedName, plainValue, sharedOptions, (name, value, options) => {
        const ours = serializeCookie(name, value, options)
        // cookie@2's types list only lowercase sameSite and priority; at run time it takes any case.
        const cookie = { name, value, ...options } as jshttp.SetCookie
        expect(ours).toBe(jshttp.stringifySetCookie(cookie))
      }),
      { numRuns: 2000 },
    )
  })

  it('reads what cookie@2 writes and writes what cookie@2 reads, for any value', () => {
    // docs/cookies.md difference 3: the escaped forms differ (cookie@2 runs encodeURIComponent
    // over the whole value), but each library decodes the other's to the same string.
    fc.assert(
      fc.property(unprefixedName, anyValue, (name, value) => {
        const written = serializeCookie(name, value)
        expect(jshttp.parseCookie(written)[name]).toBe(value)
        expect(jshttp.parseSetCookie(written)).toEqual({ name, value })
        const theirs = jshttp.stringifySetCookie({ name, value })
        expect(parseCookies(theirs)[name]).toBe(value)
      }),
      { numRuns: 2000 },
    )
  })
})
