import {
  describeValue,
  isPlainObject,
  refuseCommon,
  type StorableRules,
  type Verdict,
} from '../storable.ts'
import { MAX_INT_DIGITS, MAX_JSON_DEPTH } from './pythonJson.ts'
import { TAG_KEYS } from './taggedJson.ts'
import { hasHtml, isFlaskTuple, isFlaskUUID } from './values.ts'

const LEAF: Verdict = { kind: 'leaf' }
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
    if (isFlaskTuple(object)) return { kind: 'list', items: object, levels: 2 }
    if (Array.isArray(object)) return { kind: 'list', items: object, levels: 1 }
    if (isPlainObject(object)) {
      const keys = Object.keys(object).filter((key) => object[key] !== undefined)
      // A dict that would read as a tag is wrapped in a `' di'` tag: one level more.
      const wrapped = keys.length === 1 && TAG_KEYS.has(keys[0] as string)
      return { kind: 'dict', value: object, levels: wrapped ? 2 : 1 }
    }
    if (hasHtml(object)) return LEAF
    return { kind: 'refused', found: describeValue(object), hint: TYPES }
  },
}
