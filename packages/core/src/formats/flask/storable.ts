import {
  DICT,
  describeValue,
  isPlainObject,
  LEAF,
  LIST,
  refuseCommon,
  type StorableRules,
  type Verdict,
} from '../storable.ts'
import { MAX_INT_DIGITS, MAX_JSON_DEPTH } from './pythonJson.ts'
import { TAG_KEYS } from './taggedJson.ts'
import { hasHtml, isFlaskTuple, isFlaskUUID } from './values.ts'

/**
 * A tuple is a tag object around a list; a dict that reads as a tag is wrapped in a `' di'` one.
 */
const TUPLE: Verdict = { kind: 'list', levels: 2 }
const WRAPPED_DICT: Verdict = { kind: 'dict', levels: 2 }
const TYPES =
  "Flask's tagged JSON stores strings, numbers, BigInt, booleans, null, arrays, plain objects, " +
  'FlaskTuple, Uint8Array (bytes), Date, FlaskUUID and Markup'

/**
 * What Flask's tagged JSON stores (`tagValue` in taggedJson.ts writes it): JSON plus tuples, bytes,
 * datetimes, UUIDs, Markup and ints of any size, nested no deeper than Python's reader accepts.
 */
export const flaskRules: StorableRules = {
  maxLevel: MAX_JSON_DEPTH,
  classify(value, level) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'number':
        // Python writes NaN and Infinity as `NaN` and `Infinity` and reads them back.
        return LEAF
      case 'bigint': {
        const digits = value.toString().replace('-', '').length
        return digits <= MAX_INT_DIGITS
          ? LEAF
          : {
              kind: 'refused',
              found: `a BigInt of ${digits} digits`,
              hint: `Python reads ints of at most ${MAX_INT_DIGITS} digits: store a string`,
            }
      }
      case 'undefined':
        return { kind: 'refused', found: 'undefined', hint: 'store null (Python None)' }
      default:
        break
    }
    if (value === null) return LEAF
    const common = refuseCommon(value)
    if (common) return common
    const object = value as object
    // The tagged values below are each a one-key object at `level`.
    if (level > MAX_JSON_DEPTH) {
      return {
        kind: 'refused',
        found: `data nested deeper than ${MAX_JSON_DEPTH} levels`,
        hint: 'flatten it',
      }
    }
    if (object instanceof Uint8Array) return LEAF
    if (object instanceof Date) {
      const year = object.getUTCFullYear()
      return Number.isNaN(object.getTime()) || year < 1 || year > 9999
        ? {
            kind: 'refused',
            found: Number.isNaN(object.getTime()) ? 'an invalid Date' : `a Date in year ${year}`,
            hint: 'Python datetimes span years 1 to 9999',
          }
        : LEAF
    }
    if (isFlaskUUID(object)) return LEAF
    if (isFlaskTuple(object)) return TUPLE
    if (Array.isArray(object)) return LIST
    if (isPlainObject(object)) return readsAsTag(object) ? WRAPPED_DICT : DICT
    if (hasHtml(object)) return LEAF
    return { kind: 'refused', found: describeValue(object), hint: TYPES }
  },
}

/** A dict whose only key (among those with a value) is a tag key: Flask wraps it in `' di'`. */
function readsAsTag(dict: Record<string, unknown>): boolean {
  let only: string | undefined
  for (const key in dict) {
    if (!Object.hasOwn(dict, key) || dict[key] === undefined) continue
    if (only !== undefined) return false
    only = key
  }
  return only !== undefined && TAG_KEYS.has(only)
}
