import { describe, expect, it } from 'vitest'
import { formatHttpDate, parseHttpDate } from './httpDate.ts'
import { MAX_JSON_DEPTH } from './pythonJson.ts'
import { decodeBase64, decodeTaggedJson, encodeBase64, encodeTaggedJson } from './taggedJson.ts'
import { FlaskTuple, FlaskUUID, isFlaskTuple, Markup } from './values.ts'

const decode = (text: string) => {
  const result = decodeTaggedJson(text)
  if (!result.ok) throw new Error(`did not decode: ${text}`)
  return result.value
}

describe('tagged JSON', () => {
  // Each JSON text is what Flask 2.2's session_json_serializer.dumps writes for the Python value.
  const uuid = new FlaskUUID('12345678-1234-5678-1234-567812345678')
  const cases: [string, unknown, string][] = [
    [
      'tuple',
      { t: new FlaskTuple(1, 'a', new FlaskTuple(2, 3)) },
      '{"t":{" t":[1,"a",{" t":[2,3]}]}}',
    ],
    ['empty tuple', { t: new FlaskTuple() }, '{"t":{" t":[]}}'],
    ['bytes', { b: new Uint8Array([0, 255, 32, 98]) }, '{"b":{" b":"AP8gYg=="}}'],
    ['Markup', { m: new Markup('<b>hi</b>') }, '{"m":{" m":"<b>hi</b>"}}'],
    ['UUID', { u: uuid }, '{"u":{" u":"12345678123456781234567812345678"}}'],
    [
      'datetime',
      { d: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)) },
      '{"d":{" d":"Thu, 29 Feb 2024 12:34:56 GMT"}}',
    ],
    ['dict with a tag-like key', { x: { ' t': [1, 2] } }, '{"x":{" di":{" t__":[1,2]}}}'],
    ['dict whose key is " di"', { ' di': 1 }, '{" di":{" di__":1}}'],
    ['nested tag-like dicts', { ' di': { ' b': 'x' } }, '{" di":{" di__":{" di":{" b__":"x"}}}}'],
    ['two tag-like keys (plain dict)', { x: { ' t': 1, ' b': 2 } }, '{"x":{" b":2," t":1}}'],
    ['tag-looking key not a tag', { x: { ' x': 1 } }, '{"x":{" x":1}}'],
    [
      'flashes',
      {
        _flashes: [new FlaskTuple('message', 'Hello'), new FlaskTuple('error', 'Bad')],
        _permanent: true,
      },
      '{"_flashes":[{" t":["message","Hello"]},{" t":["error","Bad"]}],"_permanent":true}',
    ],
  ]

  it.each(cases)('%s: encodes as Flask does and decodes back', (_name, value, json) => {
    expect(encodeTaggedJson(value)).toBe(json)
    const decoded = decode(json)
    expect(decoded).toEqual(value)
    expect(encodeTaggedJson(decoded)).toBe(json)
  })

  it('decodes to the JS classes', () => {
    const value = decode(
      '{"b":{" b":"AA=="},"d":{" d":"Thu, 01 Jan 1970 00:00:00 GMT"},"m":{" m":"x"},"t":{" t":[]},"u":{" u":"0123456789abcdef0123456789abcdef"}}',
    ) as Record<string, unknown>
    expect(value['b']).toBeInstanceOf(Uint8Array)
    expect(value['d']).toBeInstanceOf(Date)
    expect(value['m']).toBeInstanceOf(Markup)
    expect(value['t']).toBeInstanceOf(FlaskTuple)
    expect(isFlaskTuple(value['t'])).toBe(true)
    expect(value['u']).toBeInstanceOf(FlaskUUID)
    expect(String(value['u'])).toBe('01234567-89ab-cdef-0123-456789abcdef')
  })

  it('tells tuples from lists', () => {
    const value = decode('{"l":[1],"t":{" t":[1]}}') as Record<string, unknown>
    expect(isFlaskTuple(value['l'])).toBe(false)
    expect(isFlaskTuple(value['t'])).toBe(true)
  })

  it('encodes anything with __html__ as Markup, as Flask does', () => {
    const html = { __html__: () => '<i>x</i>' }
    expect(encodeTaggedJson({ h: Object.setPrototypeOf(html, { kind: 'SafeString' }) })).toBe(
      '{"h":{" m":"<i>x</i>"}}',
    )
  })

  it('drops milliseconds from dates, as Python drops microseconds', () => {
    expect(encodeTaggedJson({ d: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 999)) })).toBe(
      '{"d":{" d":"Mon, 01 Jan 2024 00:00:00 GMT"}}',
    )
  })

  it('leaves out undefined properties and counts only the rest for the tag-like-dict rule', () => {
    expect(encodeTaggedJson({ a: undefined, b: 1 })).toBe('{"b":1}')
    expect(encodeTaggedJson({ x: { ' t': 1, y: undefined } })).toBe('{"x":{" di":{" t__":1}}}')
  })

  it('refuses what Flask could not store', () => {
    expect(() => encodeTaggedJson({ f: () => 1 })).toThrow(TypeError)
    expect(() => encodeTaggedJson({ s: Symbol('x') })).toThrow(TypeError)
    expect(() => encodeTaggedJson({ m: new Map() })).toThrow(TypeError)
    expect(() => encodeTaggedJson({ l: [undefined] })).toThrow(TypeError)
    expect(() => encodeTaggedJson({ c: new (class Point {})() })).toThrow(/Point/)
    expect(() => encodeTaggedJson({ d: new Date(Number.NaN) })).toThrow(RangeError)
    expect(() => encodeTaggedJson({ d: new Date(Date.UTC(10000, 0, 1)) })).toThrow(RangeError)
    const cycle: Record<string, unknown> = {}
    cycle['self'] = cycle
    expect(() => encodeTaggedJson(cycle)).toThrow(/Circular/)
    const shared = [1]
    expect(encodeTaggedJson({ a: shared, b: shared })).toBe('{"a":[1],"b":[1]}')
  })

  it(`refuses to write nesting it would not read back (${MAX_JSON_DEPTH} levels)`, () => {
    const nest = (levels: number, leaf: unknown): unknown => {
      let value = leaf
      for (let i = 0; i < levels; i++) value = [value]
      return value
    }
    const fits = { a: nest(MAX_JSON_DEPTH - 2, []) } // dict + 510 lists + the innermost list = 512
    expect(decodeTaggedJson(encodeTaggedJson(fits)).ok).toBe(true)
    expect(() => encodeTaggedJson({ a: nest(MAX_JSON_DEPTH - 1, []) })).toThrow(RangeError)
    // A tuple takes two levels ({" t": [...]}), so does a tag-like dict; bytes take one.
    expect(() => encodeTaggedJson({ a: nest(MAX_JSON_DEPTH - 2, new FlaskTuple()) })).toThrow(
      RangeError,
    )
    expect(
      decodeTaggedJson(encodeTaggedJson({ a: nest(MAX_JSON_DEPTH - 2, new Uint8Array(1)) })).ok,
    ).toBe(true)
    expect(() => encodeTaggedJson({ a: nest(MAX_JSON_DEPTH - 1, new Uint8Array(1)) })).toThrow(
      RangeError,
    )
  })

  it.each([
    ['tuple of a non-list', '{" t":"ab"}'],
    ['bytes, not base64', '{" b":"@@@@"}'],
    ['bytes, unpadded', '{" b":"AA"}'],
    ['bytes, url-safe alphabet', '{" b":"-_8="}'],
    ['bytes, non-canonical bits', '{" b":"AB=="}'],
    ['bytes of a number', '{" b":1}'],
    ['Markup of a number', '{" m":1}'],
    ['UUID with hyphens', '{" u":"12345678-1234-5678-1234-567812345678"}'],
    ['UUID in upper case', '{" u":"0123456789ABCDEF0123456789ABCDEF"}'],
    ['UUID too short', '{" u":"0123"}'],
    ['datetime, wrong weekday', '{" d":"Mon, 29 Feb 2024 12:34:56 GMT"}'],
    ['datetime, 30 February', '{" d":"Fri, 30 Feb 2024 12:34:56 GMT"}'],
    ['datetime, ISO', '{" d":"2024-02-29T12:34:56Z"}'],
    ['datetime, year 0', '{" d":"Sat, 01 Jan 0000 00:00:00 GMT"}'],
    ['tag-like dict without __', '{" di":{" t":1}}'],
    ['tag-like dict of a non-tag key', '{" di":{"x__":1}}'],
    ['tag-like dict with two keys', '{" di":{" t__":1," b__":2}}'],
    ['tag-like dict of a list', '{" di":[1]}'],
  ])('refuses a %s', (_name, json) => {
    expect(decodeTaggedJson(`{"x":${json}}`)).toEqual({ ok: false })
  })

  it('decodes objects as null-prototype, so __proto__ keys cannot pollute', () => {
    const value = decode(
      '{"__proto__":{"isAdmin":true},"a":{"__proto__":{" t":[1]}},"b":{" di":{" t__":{"__proto__":1}}}}',
    )
    expect(Object.getPrototypeOf(value)).toBeNull()
    const record = value as Record<string, Record<string, unknown>>
    expect(Object.keys(record)).toEqual(['__proto__', 'a', 'b'])
    expect(record['__proto__']?.['isAdmin']).toBe(true)
    expect(record['a']?.['__proto__']).toBeInstanceOf(FlaskTuple)
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('isAdmin')
    // And it writes back the same keys.
    expect(encodeTaggedJson(value)).toBe(
      '{"__proto__":{"isAdmin":true},"a":{"__proto__":{" t":[1]}},"b":{" di":{" t__":{"__proto__":1}}}}',
    )
  })
})

describe('standard base64 for bytes', () => {
  it('matches b64encode and refuses anything else', () => {
    for (let n = 0; n < 8; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 250) & 255)
      const text = encodeBase64(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64'))
      expect(decodeBase64(text)).toEqual(bytes)
    }
    expect(decodeBase64('A===')).toBeNull()
    expect(decodeBase64('AAA')).toBeNull()
    expect(decodeBase64('AA=A')).toBeNull()
    expect(decodeBase64('AA\n==')).toBeNull()
  })
})

describe('http dates', () => {
  it('formats as werkzeug.http.http_date and parses its own output only', () => {
    const date = new Date(Date.UTC(2015, 9, 21, 7, 28, 0))
    expect(formatHttpDate(date)).toBe('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseHttpDate('Wed, 21 Oct 2015 07:28:00 GMT')).toEqual(date)
    const early = new Date(0)
    early.setUTCFullYear(999, 11, 31)
    expect(formatHttpDate(early)).toBe('Tue, 31 Dec 0999 00:00:00 GMT')
    expect(parseHttpDate(formatHttpDate(early))).toEqual(early)
    expect(parseHttpDate('Wed, 21 Oct 2015 07:28:00 UTC')).toBeNull()
    expect(parseHttpDate('Wed, 21 Oct 2015 24:00:00 GMT')).toBeNull()
    expect(parseHttpDate('Wednesday, 21-Oct-15 07:28:00 GMT')).toBeNull()
  })
})
