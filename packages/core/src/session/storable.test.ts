import { describe, expect, test } from 'vitest'
import { BrowserJar } from '@cookietin/testkit'
import { FlaskTuple, FlaskUUID, Markup, flask } from '../flask.ts'
import { UnstorableValueError, isCookietinError } from '../errors.ts'
import { createSessionHandler } from './handler.ts'
import type { SessionOptions } from './options.ts'
import type { RequestScope } from './scope.ts'
import { finish } from '../../test/scope.ts'

const secrets = ['storable test secret: 32 bytes or more']

class Cart {
  items: string[] = []
}

/** Runs `fn` and returns the `UnstorableValueError` it threw. */
function refusal(fn: () => unknown): UnstorableValueError {
  try {
    fn()
  } catch (error) {
    expect(isCookietinError(error)).toBe(true)
    expect(error).toBeInstanceOf(UnstorableValueError)
    expect((error as UnstorableValueError).code).toBe('UNSTORABLE_VALUE')
    return error as UnstorableValueError
  }
  throw new Error('expected an UnstorableValueError')
}

async function roundTrip(options: SessionOptions, key: string, value: unknown): Promise<unknown> {
  const handler = createSessionHandler(options)
  const browser = new BrowserJar()
  const scope = await handler.begin(browser.header, { secure: false })
  scope.session.set(key, value)
  browser.apply((await finish(scope)).setCookie)
  return (await handler.begin(browser.header, { secure: false })).session.get(key)
}

describe.each(['sealed', 'signed'] as const)('what a %s session stores (plain JSON)', (format) => {
  const options: SessionOptions = { secrets, format }
  const session = () =>
    (createSessionHandler(options).begin(undefined, { secure: false }) as RequestScope).session

  test.each([
    ['cart', { items: [{ price: 1n }] }, 'cart.items[0].price is a BigInt', 'String(value)'],
    ['when', new Date(0), 'when is a Date', 'date.toISOString()'],
    ['tags', new Set(['a']), 'tags is a Set', '[...set]'],
    ['index', new Map([['a', 1]]), 'index is a Map', 'Object.fromEntries(map)'],
    ['cart', new Cart(), 'cart is an instance of Cart', 'plain object'],
    ['ratio', Number.NaN, 'ratio is NaN', 'null'],
    ['limits', { max: Number.POSITIVE_INFINITY }, 'limits.max is Infinity', 'null'],
    ['list', [1, undefined, 3], 'list[1] is undefined', 'null'],
    ['hook', { 'on-save': () => 1 }, 'hook["on-save"] is a function', 'not code'],
    ['id', Symbol('x'), 'id is a symbol', 'string'],
    ['bytes', new Uint8Array(2), 'bytes is a Uint8Array', 'plain object'],
    ['tagged', { [Symbol('k')]: 1 }, 'tagged is an object with a symbol key', 'string keys'],
  ])('set(%j, ...) is refused at the call: %s', (key, value, found, hint) => {
    const s = session()
    const error = refusal(() => s.set(key, value))
    expect(error.message).toContain(found)
    expect(error.message).toContain(`a ${format} session cannot store`)
    expect(error.message).toContain(hint)
    expect(s.has(key)).toBe(false)
    expect(s.isModified).toBe(false)
  })

  test('a circular reference is refused, naming both ends', () => {
    const cart: Record<string, unknown> = { items: [] }
    ;(cart['items'] as unknown[]).push({ back: cart })
    const error = refusal(() => session().set('cart', cart))
    expect(error.path).toBe('cart.items[0].back')
    expect(error.message).toContain('a circular reference to cart')
  })

  test('the same object twice (no cycle) is fine, and so are undefined properties', async () => {
    const shared = { n: 1 }
    expect(await roundTrip(options, 'pair', { a: shared, b: shared, c: undefined })).toEqual({
      a: { n: 1 },
      b: { n: 1 },
    })
  })

  test('nesting is limited (510 levels under a key), far past real data', async () => {
    const nest = (depth: number) => {
      let value: unknown = 'leaf'
      for (let i = 0; i < depth; i++) value = [value]
      return value
    }
    expect(await roundTrip(options, 'deep', nest(100))).toEqual(nest(100))
    session().set('deep', nest(510))
    expect(refusal(() => session().set('deep', nest(511))).message).toContain(
      'nested deeper than 512 levels',
    )
  })

  test('JSON values, null-prototype objects and nested plain data round-trip', async () => {
    const value = { s: 'x', n: -1.5, b: false, z: null, list: [1, 'two', [3]], o: { p: {} } }
    expect(await roundTrip(options, 'v', value)).toEqual(value)
    const bare = Object.assign(Object.create(null) as object, { a: 1 })
    expect(await roundTrip(options, 'bare', bare)).toEqual({ a: 1 })
  })

  test('a value changed in place after set is named at commit, not lost', async () => {
    const handler = createSessionHandler(options)
    const scope = await handler.begin(undefined, { secure: false })
    const cart = { items: [] as unknown[] }
    scope.session.set('cart', cart)
    cart.items.push(5n)
    await expect(finish(scope)).rejects.toMatchObject({
      code: 'UNSTORABLE_VALUE',
      path: 'cart.items[0]',
    })
  })
})

describe('every write path checks', () => {
  const scope = () =>
    createSessionHandler({ secrets }).begin(undefined, { secure: false }) as RequestScope

  test('`__proto__` keys are refused at any depth; constructor and prototype are plain keys', async () => {
    const { session } = scope()
    expect(refusal(() => session.set('__proto__', {})).path).toBe('__proto__')
    const nested = JSON.parse('{"prefs": {"__proto__": {"admin": true}}}') as { prefs: object }
    expect(refusal(() => session.set('prefs', nested.prefs)).path).toBe('prefs.__proto__')
    expect(refusal(() => session.replace(JSON.parse('{"__proto__": 1}') as object)).path).toBe(
      '__proto__',
    )
    const plain = { constructor: { prototype: { polluted: 'yes' } }, toString: 'x' }
    expect(await roundTrip({ secrets }, 'o', plain)).toEqual(plain)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  test('replace checks every value before changing anything, and keeps flashes', () => {
    const { session } = scope()
    session.set('a', 1)
    session.flash('kept')
    refusal(() => session.replace({ b: 2, c: new Map() }))
    expect(session.data).toEqual({ a: 1 })
    session.replace({ b: 2 })
    expect(session.data).toEqual({ b: 2 })
    expect(session.peekFlashes()).toEqual([{ category: 'message', message: 'kept' }])
  })

  test('flash takes strings; permanent takes a boolean; keys are strings', () => {
    const { session } = scope()
    expect(refusal(() => session.flash(42 as unknown as string)).message).toContain(
      'the message is a string; got a number',
    )
    expect(refusal(() => session.flash('hi', null as unknown as string)).path).toBe('category')
    expect(refusal(() => (session.permanent = 'yes' as unknown as boolean)).path).toBe('permanent')
    refusal(() => session.set(Symbol('k') as unknown as string, 1))
    expect(session.isModified).toBe(false)
  })
})

describe('what a flask session stores (tagged JSON)', () => {
  const options: SessionOptions = { secrets, format: flask() }
  const session = () =>
    (createSessionHandler(options).begin(undefined, { secure: false }) as RequestScope).session

  test("Python's types round-trip: big ints, datetimes, tuples, bytes, UUIDs, Markup", async () => {
    const value = {
      id: 2n ** 64n,
      at: new Date('2026-01-02T03:04:05Z'),
      pair: new FlaskTuple('a', 1),
      raw: new Uint8Array([1, 2, 3]),
      uuid: new FlaskUUID('12345678-1234-5678-1234-567812345678'),
      html: new Markup('<b>x</b>'),
      nan: Number.NaN,
    }
    expect(await roundTrip(options, 'v', value)).toEqual(value)
  })

  test.each([
    ['index', new Map(), 'index is a Map'],
    ['list', [undefined], 'list[0] is undefined'],
    ['cart', new Cart(), 'cart is an instance of Cart'],
    ['when', new Date(Number.NaN), 'when is an invalid Date'],
    ['huge', 10n ** 5000n, 'huge is a BigInt of 5001 digits'],
  ])('set(%j, ...) is refused: %s', (key, value, found) => {
    const error = refusal(() => session().set(key, value))
    expect(error.message).toContain(found)
    expect(error.message).toContain('a flask session cannot store')
  })

  test("nesting stops where Flask's reader does (tuples take two levels)", () => {
    const nest = (depth: number, wrap: (value: unknown) => unknown) => {
      let value: unknown = 1
      for (let i = 0; i < depth; i++) value = wrap(value)
      return value
    }
    session().set(
      'deep',
      nest(511, (v) => [v]),
    )
    refusal(() =>
      session().set(
        'deep',
        nest(512, (v) => [v]),
      ),
    )
    session().set(
      'deep',
      nest(255, (v) => new FlaskTuple(v)),
    )
    refusal(() =>
      session().set(
        'deep',
        nest(256, (v) => new FlaskTuple(v)),
      ),
    )
  })
})
