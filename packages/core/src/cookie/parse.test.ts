import { describe, expect, it } from 'vitest'
import { parseCookie, parseCookies } from './parse.ts'

describe('parseCookies', () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    // RFC 6265 §3.1 / RFC 6265bis §3.1 examples, as the user agent sends them back.
    ['RFC 6265 §3.1 single cookie', 'SID=31d4d96e407aad42', { SID: '31d4d96e407aad42' }],
    [
      'RFC 6265 §3.1 two cookies',
      'SID=31d4d96e407aad42; lang=en-US',
      { SID: '31d4d96e407aad42', lang: 'en-US' },
    ],
    ['no space after ;', 'a=1;b=2', { a: '1', b: '2' }],
    ['OWS around names and values', ' \ta \t= \t1 \t; \tb=2\t', { a: '1', b: '2' }],
    ['inner spaces are kept', 'a b=c d', { 'a b': 'c d' }],
    ['empty value', 'a=; b=2', { a: '', b: '2' }],
    ['only whitespace as value', 'a=   ', { a: '' }],
    ['= inside a value', 'token=abc==; q=a=b=c', { token: 'abc==', q: 'a=b=c' }],
    ['quoted value', 'a="hello world"', { a: 'hello world' }],
    ['quoted empty value', 'a=""', { a: '' }],
    ['quotes inside OWS', 'a = "x" ', { a: 'x' }],
    ['a lone quote is kept', 'a="', { a: '"' }],
    ['unbalanced quotes are kept', 'a="x; b=y"', { a: '"x', b: 'y"' }],
    ['inner quotes are kept', 'a=x"y"z', { a: 'x"y"z' }],
    ['quoted then percent-decoded', 'a="%E2%98%83"', { a: '☃' }],
    ['percent-decoding', 'a=hello%20world; b=%E2%82%AC', { a: 'hello world', b: '€' }],
    ['encoded quotes stay', 'a=%22x%22', { a: '"x"' }],
    ['invalid escape kept raw', 'a=a%zz; b=100%', { a: 'a%zz', b: '100%' }],
    ['invalid UTF-8 kept raw', 'a=%FF%FE', { a: '%FF%FE' }],
    ['one bad escape keeps the whole value raw', 'a=%20%zz', { a: '%20%zz' }],
    ['names are not decoded', 'a%20b=1', { 'a%20b': '1' }],
    ['first duplicate wins', 'a=1; a=2; b=3; a=4', { a: '1', b: '3' }],
    ['duplicate after trimming', 'a=1;  a =2', { a: '1' }],
    ['empty first duplicate still wins', 'a=; a=2', { a: '' }],
    ['pair without = is skipped', 'flag; a=1; other', { a: '1' }],
    ['many pairs without =', 'x;y;z;a=1;w', { a: '1' }],
    ['empty name is skipped', '=1; a=2;  =3', { a: '2' }],
    ['empty pairs are skipped', ';;a=1;; ;b=2;', { a: '1', b: '2' }],
    ['no = at all', 'just some text', {}],
    ['empty header', '', {}],
    ['only separators', ' ; ; ', {}],
    ['non-ASCII passes through', 'ñ=ü', { ñ: 'ü' }],
    ['comma is not a separator', 'a=1, b=2', { a: '1, b=2' }],
  ]

  it.each(cases)('%s', (_title, header, expected) => {
    const cookies = parseCookies(header)
    expect({ ...cookies }).toEqual(expected)
    expect(Object.keys(cookies)).toEqual(Object.keys(expected))
  })

  it('returns an empty object for null and undefined', () => {
    expect(Object.keys(parseCookies(null))).toEqual([])
    expect(Object.keys(parseCookies(undefined))).toEqual([])
  })

  it('treats __proto__, constructor and toString as ordinary names', () => {
    const cookies = parseCookies('__proto__=p; constructor=c; toString=t; hasOwnProperty=h')
    expect(Object.keys(cookies)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
    expect(cookies['__proto__']).toBe('p')
    expect(cookies['constructor']).toBe('c')
    expect(Object.getOwnPropertyDescriptor(cookies, '__proto__')?.value).toBe('p')
    expect(JSON.stringify(cookies)).toBe(
      '{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}',
    )
  })

  it('inherits nothing, so absent names read as undefined', () => {
    const cookies = parseCookies('a=1')
    for (const name of ['toString', '__proto__', 'constructor', 'valueOf']) {
      expect(cookies[name]).toBeUndefined()
    }
    expect('hasOwnProperty' in cookies).toBe(false)
    expect(cookies instanceof Object).toBe(false)
  })

  it('parses a 1 MiB header of many pairs and returns every one', () => {
    const pairs: string[] = []
    let size = 0
    while (size < 1 << 20) {
      const pair = `c${pairs.length}=v${pairs.length}`
      pairs.push(pair)
      size += pair.length + 2
    }
    const cookies = parseCookies(pairs.join('; '))
    expect(Object.keys(cookies)).toHaveLength(pairs.length)
    expect(cookies[`c${pairs.length - 1}`]).toBe(`v${pairs.length - 1}`)
  })

  it('completes on 1 MiB headers shaped to defeat backtracking or rescanning', () => {
    const mib = 1 << 20
    // Pairs without '=' before a real one: a parser that searches for '=' again for each of
    // them would rescan the header once per pair.
    expect({ ...parseCookies('x;'.repeat(mib / 2) + 'a=1') }).toEqual({ a: '1' })
    expect({ ...parseCookies('='.repeat(mib)) }).toEqual({})
    expect({ ...parseCookies(' '.repeat(mib) + 'a' + ' '.repeat(mib) + '=1') }).toEqual({ a: '1' })
    expect(Object.keys(parseCookies('a=%'.repeat(mib / 3)))).toEqual(['a'])
    expect(Object.keys(parseCookies('a=b;'.repeat(mib / 4)))).toEqual(['a'])
  })
})

describe('parseCookie', () => {
  const header = ' SID=31d4d96e407aad42; lang = "en-US" ; xlang=fr; lang=de; pct=a%20b; bad=a%zz'

  it.each([
    ['SID', '31d4d96e407aad42'],
    ['lang', 'en-US'],
    ['xlang', 'fr'],
    ['pct', 'a b'],
    ['bad', 'a%zz'],
    ['missing', undefined],
    ['LANG', undefined],
    ['ang', undefined],
    ['31d4d96e407aad42', undefined],
    ['', undefined],
    [' lang', undefined],
    ['lang=', undefined],
    ['SID=31d4d96e407aad42; lang', undefined],
  ])('reads %j', (name, expected) => {
    expect(parseCookie(header, name)).toBe(expected)
    expect(parseCookie(header, name)).toBe(parseCookies(header)[name])
  })

  it('skips occurrences that are values, parts of names or pairs without =', () => {
    expect(parseCookie('a=b; b', 'b')).toBeUndefined()
    expect(parseCookie('a=b; b=c', 'b')).toBe('c')
    expect(parseCookie('ab=1; b=2', 'b')).toBe('2')
    expect(parseCookie('b c=1; b=2', 'b')).toBe('2')
    expect(parseCookie('b;b=1', 'b')).toBe('1')
  })

  it('returns undefined for null, undefined and empty headers', () => {
    expect(parseCookie(null, 'a')).toBeUndefined()
    expect(parseCookie(undefined, 'a')).toBeUndefined()
    expect(parseCookie('', 'a')).toBeUndefined()
  })

  it('finds __proto__ as a cookie, not the prototype', () => {
    expect(parseCookie('__proto__=x', '__proto__')).toBe('x')
    expect(parseCookie('a=1', '__proto__')).toBeUndefined()
  })
})
