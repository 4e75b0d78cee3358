/**
 * fixtures/flask.json writes Flask's tagged values as plain JSON: `{"$tuple": [...]}`, `{"$markup":
 * "..."}`, `{"$uuid": "..."}`, `{"$date": "ISO"}`, `{"$bytes": "hex"}`. These convert both ways,
 * and `canonical` gives a key-sorted text to compare a decoded session with the fixture.
 */
import { FlaskTuple, FlaskUUID, Markup, isFlaskTuple, isFlaskUUID } from '@cookietin/core/flask'

export type FixtureValue =
  | null
  | boolean
  | number
  | string
  | FixtureValue[]
  | { [key: string]: FixtureValue }

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
export const unhex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))

function single(value: { [key: string]: FixtureValue }): [string, FixtureValue] | undefined {
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0]?.startsWith('$')
    ? [keys[0], value[keys[0]] ?? null]
    : undefined
}

/** Fixture JSON to the values `createFlaskCodec().dumps` takes. */
export function fromFixture(value: FixtureValue): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(fromFixture)
  const tag = single(value)
  if (tag) {
    const [name, inner] = tag
    if (name === '$tuple' && Array.isArray(inner))
      return FlaskTuple.fromItems(inner.map(fromFixture))
    if (name === '$markup' && typeof inner === 'string') return new Markup(inner)
    if (name === '$uuid' && typeof inner === 'string') return new FlaskUUID(inner)
    if (name === '$date' && typeof inner === 'string') return new Date(inner)
    if (name === '$bytes' && typeof inner === 'string') return unhex(inner)
    throw new TypeError(`Unknown fixture tag ${name}`)
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) out[key] = fromFixture(value[key] ?? null)
  return out
}

/** What `loads` returns, back to fixture JSON. */
export function toFixture(value: unknown): FixtureValue {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'number' ||
    typeof value === 'string'
  ) {
    return value
  }
  if (isFlaskTuple(value)) return { $tuple: Array.from(value, toFixture) }
  if (Array.isArray(value)) return value.map(toFixture)
  if (value instanceof Markup) return { $markup: value.value }
  if (isFlaskUUID(value)) return { $uuid: value.toString() }
  if (value instanceof Date) return { $date: value.toISOString() }
  if (value instanceof Uint8Array) return { $bytes: hex(value) }
  if (typeof value === 'object') {
    const out: { [key: string]: FixtureValue } = {}
    for (const key of Object.keys(value))
      out[key] = toFixture((value as Record<string, unknown>)[key])
    return out
  }
  throw new TypeError(`Not a Flask session value: ${typeof value}`)
}

/** JSON with object keys sorted at every level. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(inner).sort())
      sorted[key] = (inner as Record<string, unknown>)[key]
    return sorted
  })
}

export interface FlaskFixtureCase {
  id: string
  description: string
  /**
   * Index in `secrets` of the secret that signed it (1: a fallback, so loads reports keyIndex 1).
   */
  signedWith: number
  value: { [key: string]: FixtureValue }
  /** The cookie Node produced at `now`; a leading `.` means zlib-compressed. */
  cookie: string
}

export interface FlaskFixtures {
  $comment: string
  /** Flask's SECRET_KEY then SECRET_KEY_FALLBACKS. */
  secrets: string[]
  /** Unix seconds every cookie was signed at. */
  now: number
  /** PERMANENT_SESSION_LIFETIME, seconds. */
  maxAge: number
  cases: FlaskFixtureCase[]
}
