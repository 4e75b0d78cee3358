import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  comparePythonStrings,
  formatPythonFloat,
  type JsonValue,
  MAX_JSON_DEPTH,
  parsePythonJson,
  quotePythonString,
  stringifyPythonJson,
} from './pythonJson.ts'

describe('formatPythonFloat', () => {
  // Expected values are Python 3.11's repr() of the same doubles.
  it.each([
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e16, '1e+16'],
    [1e15 + 0.5, '1000000000000000.5'],
    [123456789012345.67, '123456789012345.67'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [1e22, '1e+22'],
    [2 ** 53, '9007199254740992.0'],
    [2 ** 60, '1.152921504606847e+18'],
    [-0, '-0.0'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [2.2250738585072014e-308, '2.2250738585072014e-308'],
    [1 / 3, '0.3333333333333333'],
    [100 * 1.1, '110.00000000000001'],
    [1e-7, '1e-07'],
    [123e-20, '1.23e-18'],
    [1e21, '1e+21'],
    [1.2345678901234567e19, '1.2345678901234567e+19'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('%s is %s', (value, python) => {
    expect(formatPythonFloat(value)).toBe(python)
  })

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(Number(formatPythonFloat(x)), x)).toBe(true)
      }),
    )
  })
})

describe('stringifyPythonJson', () => {
  it('writes safe integers as ints, other numbers as Python floats, bigints as ints', () => {
    expect(stringifyPythonJson([1, -7, 0, 2.5, 2 ** 53, 12345678901234567890n, -0])).toBe(
      '[1,-7,0,2.5,9007199254740992.0,12345678901234567890,-0.0]',
    )
  })

  it('sorts keys by code point, as Python does (not by UTF-16 unit)', () => {
    const value = { '\uffff': 1, '\u{1F600}': 2, '\ue000': 3, z: 4, é: 5, A: 6 }
    expect(stringifyPythonJson(value)).toBe(
      '{"A":6,"z":4,"\\u00e9":5,"\\ue000":3,"\\uffff":1,"\\ud83d\\ude00":2}',
    )
  })

  it('escapes like ensure_ascii=True, lowercase hex, surrogate pairs split', () => {
    const text = 'h\u00e9llo \u2028 \u0000\u001f\u007f "q" \\ / \t\n\r\b\f \u{1F600} \ud800'
    expect(quotePythonString(text)).toBe(
      '"h\\u00e9llo \\u2028 \\u0000\\u001f\\u007f \\"q\\" \\\\ / \\t\\n\\r\\b\\f \\ud83d\\ude00 \\ud800"',
    )
  })

  it('is compact', () => {
    expect(stringifyPythonJson({ b: [true, false, null], a: { c: 'x' } })).toBe(
      '{"a":{"c":"x"},"b":[true,false,null]}',
    )
  })
})

describe('comparePythonStrings', () => {
  const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) as number)
  const byCodePoint = (a: string, b: string) => {
    const x = codePoints(a)
    const y = codePoints(b)
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number)
    return x.length - y.length
  }
  it('agrees with code point order, lone surrogates included', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'z', '\ud83d', '\ude00', '\ud800', '\udfff', '\ue000', '\uffff'),
      fc.string({ unit: 'grapheme', maxLength: 2 }),
    )
    const text = fc.array(unit, { maxLength: 5 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(comparePythonStrings(a, b))).toBe(Math.sign(byCodePoint(a, b)))
      }),
    )
  })
})

describe('parsePythonJson', () => {
  it('reads what Python reads', () => {
    expect(parsePythonJson(' {"a": [1, 2.5, -0, "x\\u00e9\\ud83d\\ude00", true, null]}\n')).toEqual(
      {
        a: [1, 2.5, 0, 'xé\u{1F600}', true, null],
      },
    )
    expect(parsePythonJson('[NaN, Infinity, -Infinity]')).toEqual([Number.NaN, Infinity, -Infinity])
    expect(Object.is(parsePythonJson('-0'), 0)).toBe(true)
    expect(Object.is(parsePythonJson('-0.0'), -0)).toBe(true)
    expect(parsePythonJson('"\\/\\b\\f\\n\\r\\t\\"\\\\"')).toBe('/\b\f\n\r\t"\\')
    expect(parsePythonJson('{"a":1,"a":2}')).toEqual({ a: 2 })
  })

  it('reads unsafe integers as bigints, losslessly', () => {
    expect(
      parsePythonJson('[9007199254740991, 9007199254740993, -123456789012345678901234567890]'),
    ).toEqual([9007199254740991, 9007199254740993n, -123456789012345678901234567890n])
    expect(parsePythonJson('1'.repeat(4300))).toBe(BigInt('1'.repeat(4300)))
    expect(parsePythonJson('1'.repeat(4301))).toBeUndefined()
  })

  it.each([
    '',
    ' ',
    '\ufeff{}',
    '{"a":1,}',
    '[1,]',
    '[,1]',
    '01',
    '1.',
    '.5',
    '+1',
    '-',
    '{a:1}',
    "{'a':1}",
    '"\u0001"',
    '"\\x"',
    '"\\u12"',
    '"\\u12g4"',
    '"unterminated',
    '[1] [2]',
    'nul',
    'True',
    '-NaN',
    'undefined',
  ])('refuses %j', (text) => {
    expect(parsePythonJson(text)).toBeUndefined()
  })

  it('makes null-prototype objects, so __proto__ is an ordinary key', () => {
    const value = parsePythonJson(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
    ) as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBeNull()
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(stringifyPythonJson(value as JsonValue)).toBe(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
    )
  })

  it(`limits nesting to ${MAX_JSON_DEPTH} levels`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
    expect(parsePythonJson(nested(MAX_JSON_DEPTH))).toBeDefined()
    expect(parsePythonJson(nested(MAX_JSON_DEPTH + 1))).toBeUndefined()
    expect(parsePythonJson(nested(100_000))).toBeUndefined()
  })

  it('round-trips stringify output and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = stringifyPythonJson(value as JsonValue)
        expect(stringifyPythonJson(parsePythonJson(text) as JsonValue)).toBe(text)
      }),
    )
    fc.assert(
      fc.property(fc.string(), (text) => {
        parsePythonJson(text)
      }),
    )
  })
})
