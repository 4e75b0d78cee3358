/**
 * Flask's `flask.json.tag.TaggedJSONSerializer` with its default tags, in its order:
 *
 * | tag     | Python                              | JavaScript                      | JSON form                        |
 * |---------|-------------------------------------|---------------------------------|----------------------------------|
 * | `' di'` | dict whose only key is a tag key    | plain object, one tag-like key  | `{" di": {" t__": ...}}`         |
 * |         | dict                                | plain object (null-proto read)  | object                           |
 * | `' t'`  | tuple                               | `FlaskTuple`                    | `{" t": [...]}`                  |
 * |         | list                                | `Array`                         | array                            |
 * | `' b'`  | bytes                               | `Uint8Array`                    | `{" b": "<standard base64>"}`    |
 * | `' m'`  | `Markup` / anything with `__html__` | `Markup` / anything `__html__`  | `{" m": "<html>"}`               |
 * | `' u'`  | `uuid.UUID`                         | `FlaskUUID`                     | `{" u": "<32 hex>"}`             |
 * | `' d'`  | `datetime`                          | `Date`                          | `{" d": "Wed, 21 Oct 2015 07:28:00 GMT"}` |
 *
 * Reading accepts only the canonical forms Flask writes (a `' d'` Flask could not have written, a
 * `' b'` with stray characters, an upper-case `' u'`...), so every decoded value re-encodes to the
 * same JSON. Python is laxer on some of these; Flask never produces them, and they are signed.
 */
import { decodeBase64Url, encodeBase64Url } from '../../crypto/base64url.ts'
import { formatHttpDate, parseHttpDate } from './httpDate.ts'
import {
  type JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parsePythonJson,
  stringifyPythonJson,
} from './pythonJson.ts'
import { FlaskTuple, FlaskUUID, hasHtml, isFlaskTuple, isFlaskUUID, Markup } from './values.ts'

/** The keys of Flask's default tags: a one-key object with one of these keys is a tagged value. */
export const TAG_KEYS: ReadonlySet<string> = new Set([' di', ' t', ' b', ' m', ' u', ' d'])

const UUID_HEX = /^[0-9a-f]{32}$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** `base64.b64encode`: standard alphabet, padded. */
export function encodeBase64(bytes: Uint8Array): string {
  const url = encodeBase64Url(bytes).replaceAll('-', '+').replaceAll('_', '/')
  return url + '='.repeat((4 - (url.length % 4)) % 4)
}

/** Canonical padded standard base64 only (what `b64encode` writes), otherwise `null`. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null
  return decodeBase64Url(text.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'))
}

/** A `{}` literal or a null-prototype object (also from another realm): what encodes as a dict. */
export function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value
  return (value.constructor as { name?: string } | undefined)?.name ?? 'object'
}

const tagged = (key: string, value: JsonValue): JsonObject => ({ [key]: value })

/**
 * Flask's `TaggedJSONSerializer.tag`: turns session data into a JSON tree. Object properties whose
 * value is `undefined` are left out (as `JSON.stringify` does). Throws `TypeError` for anything
 * Flask could not store (functions, symbols, `Map`, class instances, cycles, `undefined` elsewhere)
 * and `RangeError` for nesting deeper than `MAX_JSON_DEPTH` or a `Date` outside Python's range.
 */
function tagValue(value: unknown): JsonValue {
  const open = new Set<object>()

  // `level` is the JSON nesting level the value's outermost object or array lands on (the session
  // dict is level 1), so that whatever is written here nests no deeper than `parsePythonJson`
  // reads.
  const check = (deepest: number) => {
    if (deepest > MAX_JSON_DEPTH) {
      throw new RangeError(`Session data nests deeper than ${MAX_JSON_DEPTH} levels of JSON`)
    }
  }

  const tagList = (items: ArrayLike<unknown>, level: number): JsonValue[] => {
    const out: JsonValue[] = []
    for (let i = 0; i < items.length; i++) out.push(tag(items[i], level))
    return out
  }

  const tag = (item: unknown, level: number): JsonValue => {
    switch (typeof item) {
      case 'string':
      case 'boolean':
      case 'number':
      case 'bigint':
        return item
      case 'object':
        break
      default:
        throw new TypeError(`A ${typeof item} cannot be stored in a Flask session`)
    }
    if (item === null) return null
    check(level)
    if (item instanceof Uint8Array) return tagged(' b', encodeBase64(item))
    if (item instanceof Date) return tagged(' d', formatHttpDate(item))
    if (isFlaskUUID(item) && UUID_HEX.test(item.hex)) return tagged(' u', item.hex)
    // Containers: the rest may recurse.
    if (open.has(item)) throw new TypeError('Circular reference in session data')
    open.add(item)
    let out: JsonValue
    if (isFlaskTuple(item)) {
      check(level + 1)
      out = tagged(' t', tagList(item, level + 2))
    } else if (Array.isArray(item)) {
      out = tagList(item, level + 1)
    } else if (isPlainObject(item)) {
      const keys = Object.keys(item).filter((key) => item[key] !== undefined)
      const only = keys.length === 1 ? (keys[0] as string) : undefined
      if (only !== undefined && TAG_KEYS.has(only)) {
        // TagDict: a dict that would read as a tag gets its key suffixed with `__`.
        check(level + 1)
        out = tagged(' di', tagged(`${only}__`, tag(item[only], level + 2)))
      } else {
        out = Object.create(null) as JsonObject
        for (const key of keys) out[key] = tag(item[key], level + 1)
      }
    } else if (hasHtml(item)) {
      out = tagged(' m', String(item.__html__()))
    } else {
      throw new TypeError(`A ${describe(item)} cannot be stored in a Flask session`)
    }
    open.delete(item)
    return out
  }

  return tag(value, 1)
}

/** Thrown inside `untagValue` only, once allocated; turned into `{ ok: false }`. */
const INVALID = new TypeError('Not a tag Flask would write')

function untagOne(key: string, value: unknown): unknown {
  switch (key) {
    case ' t':
      if (Array.isArray(value)) return FlaskTuple.fromItems(value)
      break
    case ' b':
      if (typeof value === 'string') {
        const bytes = decodeBase64(value)
        if (bytes) return bytes
      }
      break
    case ' m':
      if (typeof value === 'string') return new Markup(value)
      break
    case ' u':
      if (typeof value === 'string' && UUID_HEX.test(value)) return new FlaskUUID(value)
      break
    case ' d':
      if (typeof value === 'string') {
        const date = parseHttpDate(value)
        if (date) return date
      }
      break
    case ' di':
      // Already untagged (Python's object_hook runs inner objects first): one `<tag key>__` key.
      if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null) {
        const keys = Object.keys(value)
        const inner = keys[0]
        if (keys.length === 1 && inner?.endsWith('__') && TAG_KEYS.has(inner.slice(0, -2))) {
          const out: Record<string, unknown> = Object.create(null)
          out[inner.slice(0, -2)] = (value as Record<string, unknown>)[inner]
          return out
        }
      }
      break
    default:
      break
  }
  throw INVALID
}

/**
 * Flask's `TaggedJSONSerializer.untag` applied bottom-up, as `json.loads(..., object_hook=untag)`
 * does. Objects come back null-prototype. Throws nothing: an ill-formed tag gives `{ ok: false }`.
 */
function untagValue(tree: JsonValue): { ok: true; value: unknown } | { ok: false } {
  const walk = (node: JsonValue): unknown => {
    if (typeof node !== 'object' || node === null) return node
    if (Array.isArray(node)) return node.map(walk)
    const keys = Object.keys(node)
    const out: Record<string, unknown> = Object.create(null)
    for (const key of keys) out[key] = walk(node[key] as JsonValue)
    const only = keys.length === 1 ? (keys[0] as string) : undefined
    return only !== undefined && TAG_KEYS.has(only) ? untagOne(only, out[only]) : out
  }
  try {
    return { ok: true, value: walk(tree) }
  } catch (error) {
    if (error === INVALID) return { ok: false }
    throw error
  }
}

/**
 * `session_json_serializer.dumps(value)` as Flask calls it inside a request: the exact JSON text.
 */
export function encodeTaggedJson(value: unknown): string {
  return stringifyPythonJson(tagValue(value))
}

/**
 * `session_json_serializer.loads(text)`; `{ ok: false }` for anything Flask would not have written.
 */
export function decodeTaggedJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const tree = parsePythonJson(text)
  return tree === undefined ? { ok: false } : untagValue(tree)
}
