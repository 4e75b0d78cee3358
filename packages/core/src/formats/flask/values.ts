/**
 * JavaScript stand-ins for the Python types Flask's tagged JSON keeps apart from plain JSON
 * (`flask/json/tag.py`). Each decodes from its tag and encodes back to the same tag.
 * `bytes` is a `Uint8Array` and `datetime` a `Date`; the three below have no native equivalent.
 *
 * Every class is also recognised by a `Symbol.for` brand, so a value made by a second loaded copy
 * of this package (ESM next to CJS) still encodes with its tag instead of silently as a list or
 * error.
 */

const TUPLE = Symbol.for('cookietin.flask.tuple')
const UUID = Symbol.for('cookietin.flask.uuid')

class Tuple<T> extends Array<T> {
  declare readonly [TUPLE]: true

  static override get [Symbol.species](): ArrayConstructor {
    return Array
  }

  constructor(...items: T[]) {
    super()
    for (const item of items) this.push(item)
  }

  static fromItems<T>(items: Iterable<T>): Tuple<T> {
    const tuple = new Tuple<T>()
    for (const item of items) tuple.push(item)
    return tuple
  }
}
Object.defineProperty(Tuple.prototype, TUPLE, { value: true })
Object.defineProperty(Tuple, 'name', { value: 'FlaskTuple' })

/**
 * A Python `tuple` (tag `' t'`). Flask stores flashed messages as `(category, message)` tuples.
 * An `Array`, so indexing, destructuring and iteration work; methods that build a new array
 * (`map`, `slice`, `filter`) return plain arrays, which encode as Python lists.
 * @example new FlaskTuple('message', 'Saved')
 */
export type FlaskTuple<T = unknown> = Tuple<T>

interface FlaskTupleConstructor {
  /** The empty tuple `()`. */
  new <T = unknown>(): FlaskTuple<T>
  /**
   * The items, in order. Unlike `new Array(3)`, `new FlaskTuple(3)` is the one-item tuple `(3,)`.
   */
  new <A extends unknown[]>(...items: A): FlaskTuple<A[number]>
  readonly prototype: FlaskTuple
  /** A tuple of the items of any iterable (no spread, so long inputs are fine). */
  fromItems<T>(items: Iterable<T>): FlaskTuple<T>
}

export const FlaskTuple: FlaskTupleConstructor = Tuple

/**
 * `markupsafe.Markup` (tag `' m'`): a string already safe to put in HTML, so templates do not
 * escape it. Like Flask, any object with a `__html__()` method encodes with this tag; it always
 * decodes to `Markup`. The constructor does not escape: `new Markup('<b>x</b>')` is the HTML
 * `<b>x</b>`.
 */
export class Markup {
  readonly value: string

  constructor(value: string) {
    this.value = String(value)
  }

  __html__(): string {
    return this.value
  }

  toString(): string {
    return this.value
  }

  toJSON(): string {
    return this.value
  }
}

const UUID_HEX = /^[0-9a-f]{32}$/

/**
 * A Python `uuid.UUID` (tag `' u'`, written as its 32 lowercase hex digits, `UUID.hex`). The
 * constructor takes the forms Python's `UUID(str)` takes: hyphens, braces, `urn:uuid:`, any case.
 * @example new FlaskUUID('12345678-1234-5678-1234-567812345678').hex ===
 *   '12345678123456781234567812345678'
 */
export class FlaskUUID {
  declare readonly [UUID]: true
  /** 32 lowercase hex digits. */
  readonly hex: string

  constructor(text: string) {
    const hex = String(text)
      .replaceAll('urn:', '')
      .replaceAll('uuid:', '')
      .replace(/^[{}]+|[{}]+$/g, '')
      .replaceAll('-', '')
      .toLowerCase()
    if (!UUID_HEX.test(hex)) throw new TypeError(`Not a UUID: ${JSON.stringify(text)}`)
    this.hex = hex
  }

  /** The usual `8-4-4-4-12` form, as Python's `str(uuid)`. */
  toString(): string {
    const h = this.hex
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }

  toJSON(): string {
    return this.toString()
  }
}
Object.defineProperty(FlaskUUID.prototype, UUID, { value: true })

export function isFlaskTuple(value: unknown): value is FlaskTuple {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE] === true
}

export function isFlaskUUID(value: unknown): value is FlaskUUID {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[UUID] === true &&
    typeof (value as { hex?: unknown }).hex === 'string'
  )
}

/** What Flask's `TagMarkup.check` accepts: anything with a callable `__html__`. */
export function hasHtml(value: unknown): value is { __html__(): unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { __html__?: unknown }).__html__ === 'function'
  )
}
