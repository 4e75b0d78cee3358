/**
 * JSON exactly as Python's `json` module writes and reads it with the settings Flask's session
 * serializer uses: `json.dumps(obj, separators=(',', ':'), sort_keys=True, ensure_ascii=True)`
 * (Flask's `DefaultJSONProvider` inside an app context) and `json.loads(text)`.
 *
 * Numbers: JavaScript has one number type where Python has `int` and `float`.
 * - Writing: a safe integer (|n| < 2^53) is written as a Python int (`2`); any other number as
 *   Python's `repr(float)` (`0.1`, `1e+16`, `9007199254740992.0`, `1e-05`, `-0.0`, `NaN`,
 *   `Infinity`); a `bigint` as an int.
 * - Reading: a float is a number; an int is a number when safe, otherwise a `bigint` (lossless).
 * So Python ints round-trip exactly, and so do floats except integral ones under 2^53:
 * Python's `2.0` reads as `2` and is written back as the int `2` (equal in Python, `2 == 2.0`).
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

/**
 * Nesting limit for reading and writing. Python itself fails a little under 1000 (its recursion
 * limit).
 */
export const MAX_JSON_DEPTH = 512
/** CPython 3.11's `sys.get_int_max_str_digits()` default: longer ints make `json.loads` fail. */
export const MAX_INT_DIGITS = 4300

// ---------------------------------------------------------------------------------------------
// Writing

/** Python's `str.__lt__`: code point order (JavaScript's `<` compares UTF-16 code units). */
export function comparePythonStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 && y < 0xd800) return x - y
    // Differing inside the BMP-above-surrogates range or at a surrogate: compare whole code points,
    // starting at a shared high surrogate if the difference is in the low half of a pair.
    // Only a low surrogate can pair with the shared unit before it; otherwise that unit is a code
    // point of its own in both strings (a lone high surrogate) and the difference starts here.
    const at =
      i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) && (isLowSurrogate(x) || isLowSurrogate(y))
        ? i - 1
        : i
    return (a.codePointAt(at) as number) - (b.codePointAt(at) as number)
  }
  return a.length - b.length
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}
// Python's ESCAPE_ASCII: `([\\"]|[^\ -~])`. Without the `u` flag a surrogate pair is two matches,
// which gives Python's `\ud83d\ude00` for U+1F600. Python writes lowercase hex.
const NOT_PRINTABLE_ASCII = /["\\]|[^ -~]/g
const escapeUnit = (unit: string) =>
  ESCAPES[unit] ?? `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`

/** `json.dumps(text, ensure_ascii=True)`. */
export function quotePythonString(text: string): string {
  return `"${text.replace(NOT_PRINTABLE_ASCII, escapeUnit)}"`
}

/**
 * Python's `float.__repr__` (shortest round-tripping digits; scientific below 1e-4 and from 1e16).
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return 'Infinity'
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  // Number#toString gives the shortest round-tripping digits, choosing the closest when several
  // qualify: the same digits as Python's repr (David Gay's mode 0). Only the layout differs.
  const text = String(Math.abs(value))
  const e = text.indexOf('e')
  const mantissa = e < 0 ? text : text.slice(0, e)
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const whole = dot < 0 ? mantissa : mantissa.slice(0, dot)
  let digits = whole + (dot < 0 ? '' : mantissa.slice(dot + 1))
  let point = whole.length + exponent // decimal point position relative to the start of `digits`
  const leading = digits.length - digits.replace(/^0+/, '').length
  digits = digits.slice(leading).replace(/0+$/, '')
  point -= leading
  const decimalExponent = point - 1
  if (decimalExponent < -4 || decimalExponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const expSign = decimalExponent < 0 ? '-' : '+'
    return `${sign}${digits[0] as string}${fraction}e${expSign}${String(Math.abs(decimalExponent)).padStart(2, '0')}`
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

function formatNumber(value: number): string {
  return Number.isSafeInteger(value) && !Object.is(value, -0)
    ? String(value)
    : formatPythonFloat(value)
}

/**
 * Compact, key-sorted, ASCII-only JSON as Flask writes session data. The input must already be a
 * JSON tree (see `tagValue`); its objects' own enumerable keys are written.
 */
export function stringifyPythonJson(value: JsonValue): string {
  switch (typeof value) {
    case 'string':
      return quotePythonString(value)
    case 'number':
      return formatNumber(value)
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 'true' : 'false'
    default:
      break
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      out += stringifyPythonJson(value[i] as JsonValue)
    }
    return `${out}]`
  }
  const keys = Object.keys(value).sort(comparePythonStrings)
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    if (i > 0) out += ','
    out += `${quotePythonString(key)}:${stringifyPythonJson(value[key] as JsonValue)}`
  }
  return `${out}}`
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Thrown inside the parser only, once allocated; `parsePythonJson` turns it into `undefined`. */
const INVALID = new SyntaxError('Not JSON that Python would read')

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y
const HEX4 = /^[0-9a-fA-F]{4}$/
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

/**
 * Python's `json.loads` (strict mode, its defaults): also accepts `NaN`, `Infinity` and
 * `-Infinity`, rejects control characters inside strings and a leading BOM; duplicate keys keep the
 * last value. Objects are null-prototype, so a `__proto__` key is just a key. Returns `undefined`
 * for anything Python would reject (and for nesting deeper than `MAX_JSON_DEPTH`). Never throws.
 */
export function parsePythonJson(text: string): JsonValue | undefined {
  let pos = 0

  const fail = (): never => {
    throw INVALID
  }
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(pos)
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++
      else return
    }
  }
  const literal = (word: string, result: JsonValue): JsonValue => {
    if (!text.startsWith(word, pos)) fail()
    pos += word.length
    return result
  }

  const parseString = (): string => {
    pos++ // opening quote
    let out = ''
    for (;;) {
      // A run of ordinary characters: anything but a quote, a backslash or a control character.
      let end = pos
      for (
        let c = text.charCodeAt(end);
        c >= 0x20 && c !== 0x22 && c !== 0x5c;
        c = text.charCodeAt(++end)
      );
      out += text.slice(pos, end)
      pos = end
      const c = text[pos]
      if (c === '"') {
        pos++
        return out
      }
      if (c !== '\\') return fail() // a control character or the end of the text
      const escape = text[pos + 1]
      if (escape === 'u') {
        const hex = text.slice(pos + 2, pos + 6)
        if (!HEX4.test(hex)) fail()
        out += String.fromCharCode(Number.parseInt(hex, 16))
        pos += 6
      } else {
        const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape]
        if (simple === undefined) fail()
        out += simple
        pos += 2
      }
    }
  }

  const parseNumber = (): JsonValue => {
    NUMBER.lastIndex = pos
    const match = NUMBER.exec(text)
    if (!match)
      return text.startsWith('-Infinity', pos)
        ? literal('-Infinity', Number.NEGATIVE_INFINITY)
        : fail()
    const token = match[0]
    pos += token.length
    if (match[1] !== undefined || match[2] !== undefined) return Number(token)
    if (token.length - (token.startsWith('-') ? 1 : 0) > MAX_INT_DIGITS) fail()
    // Python's int('-0') is 0: never let an int read as JavaScript's -0 (which writes as the float
    // -0.0).
    if (token.length <= 15) return Number(token) || 0
    const big = BigInt(token)
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big
  }

  const parseValue = (depth: number): JsonValue => {
    switch (text[pos]) {
      case '"':
        return parseString()
      case '{':
        return parseObject(depth + 1)
      case '[':
        return parseArray(depth + 1)
      case 'n':
        return literal('null', null)
      case 't':
        return literal('true', true)
      case 'f':
        return literal('false', false)
      case 'N':
        return literal('NaN', Number.NaN)
      case 'I':
        return literal('Infinity', Number.POSITIVE_INFINITY)
      default:
        return parseNumber()
    }
  }

  const parseObject = (depth: number): JsonObject => {
    if (depth > MAX_JSON_DEPTH) fail()
    pos++
    const object: JsonObject = Object.create(null)
    skipSpace()
    if (text[pos] === '}') {
      pos++
      return object
    }
    for (;;) {
      if (text[pos] !== '"') fail()
      const key = parseString()
      skipSpace()
      if (text[pos] !== ':') fail()
      pos++
      skipSpace()
      object[key] = parseValue(depth)
      skipSpace()
      const next = text[pos++]
      if (next === '}') return object
      if (next !== ',') fail()
      skipSpace()
    }
  }

  const parseArray = (depth: number): JsonValue[] => {
    if (depth > MAX_JSON_DEPTH) fail()
    pos++
    const array: JsonValue[] = []
    skipSpace()
    if (text[pos] === ']') {
      pos++
      return array
    }
    for (;;) {
      skipSpace()
      array.push(parseValue(depth))
      skipSpace()
      const next = text[pos++]
      if (next === ']') return array
      if (next !== ',') fail()
    }
  }

  try {
    if (typeof text !== 'string') return undefined
    skipSpace()
    const value = parseValue(0)
    skipSpace()
    return pos === text.length ? value : undefined
  } catch (error) {
    if (error === INVALID || error instanceof RangeError) return undefined
    throw error
  }
}
