/**
 * What a session format can store, checked where a value is written (`session.set`, `flash`) rather
 * than at commit: a function, a `Map` or a `BigInt` is refused at the line that put it there, with
 * the path to it, instead of vanishing or failing after the route answered.
 */

/** The first thing in a value its format cannot store. */
export interface Unstorable {
  /** Where it is, from the session key: `cart.items[2].price`. */
  path: string
  /** What is there: `a BigInt`, `a Map`, `NaN`, `a circular reference to cart`. */
  found: string
  /** How to store it instead, when there is a way. */
  hint?: string
}

/** What one value is to a format: stored as it is, walked into, or refused. */
export type Verdict =
  | { kind: 'leaf' }
  | { kind: 'refused'; found: string; hint?: string }
  /** An array: its items sit `levels` deeper. */
  | { kind: 'list'; items: ArrayLike<unknown>; levels: number }
  /** A dict: its values sit `levels` deeper. */
  | { kind: 'dict'; value: Record<string, unknown>; levels: number }

export interface StorableRules {
  /** Deepest JSON nesting level the format writes (the stored document itself is level 1). */
  maxLevel: number
  /** Classifies one value; `level` is the JSON level its outermost object would land on. */
  classify(value: unknown, level: number): Verdict
}

const LEAF: Verdict = { kind: 'leaf' }
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

const child = (path: string, key: string) =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`

/** `a Map`, `an instance of Cart`: how an error names a value, never its content. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return 'a BigInt'
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
    case 'undefined':
      return 'undefined'
    case 'number':
      return String(value)
    case 'object':
      break
    default:
      return `a ${typeof value}`
  }
  if (value === null) return 'null'
  const name = (value.constructor as { name?: unknown } | undefined)?.name
  if (typeof name !== 'string' || name === '' || name === 'Object') return 'an object'
  return /^(Map|Set|Date|WeakMap|WeakSet|RegExp|Promise|Error)$/.test(name) ||
    ArrayBuffer.isView(value)
    ? `a ${name}`
    : `an instance of ${name}`
}

/** A `{}` literal or a null-prototype object, also from another realm: what JSON keeps as an object. */
export function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null
}

/** Hints for values no JSON-based format stores, shared by every format. */
export function refuseCommon(value: unknown): Verdict | undefined {
  switch (typeof value) {
    case 'function':
      return { kind: 'refused', found: 'a function', hint: 'store data, not code' }
    case 'symbol':
      return { kind: 'refused', found: 'a symbol', hint: 'store a string' }
    default:
      break
  }
  if (value instanceof Map)
    return { kind: 'refused', found: 'a Map', hint: 'store Object.fromEntries(map) or [...map]' }
  if (value instanceof Set) return { kind: 'refused', found: 'a Set', hint: 'store [...set]' }
  return undefined
}

/**
 * Plain JSON, what the native formats store: strings, finite numbers, booleans, null, arrays and
 * plain objects, nested at most 512 levels deep in the stored JSON (as Flask's reader allows).
 */
export const plainJsonRules: StorableRules = {
  maxLevel: 512,
  classify(value) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return LEAF
      case 'number':
        return Number.isFinite(value)
          ? LEAF
          : {
              kind: 'refused',
              found: String(value),
              hint: 'JSON has no NaN or Infinity: store null',
            }
      case 'bigint':
        return {
          kind: 'refused',
          found: 'a BigInt',
          hint: 'store String(value), or Number(value) when it is below 2^53',
        }
      case 'undefined':
        return { kind: 'refused', found: 'undefined', hint: 'JSON has no undefined: store null' }
      default:
        break
    }
    if (value === null) return LEAF
    const common = refuseCommon(value)
    if (common) return common
    const object = value as object
    if (Array.isArray(object)) return { kind: 'list', items: object, levels: 1 }
    if (isPlainObject(object)) return { kind: 'dict', value: object, levels: 1 }
    if (object instanceof Date) {
      return {
        kind: 'refused',
        found: 'a Date',
        hint: 'store date.toISOString() and make a Date of it when you read it',
      }
    }
    return {
      kind: 'refused',
      found: describeValue(object),
      hint: 'JSON keeps no classes: store a plain object or a string',
    }
  },
}

/**
 * The first part of `value` that `rules` refuse, or `undefined` when all of it can be stored.
 * Walks only `value`, so writing one key costs what that key holds, never the whole session.
 * `level` is the JSON level `value` itself sits on inside the stored document.
 */
export function findUnstorable(
  value: unknown,
  path: string,
  level: number,
  rules: StorableRules,
): Unstorable | undefined {
  // Containers open on the path from `value` down to the one being walked, to name a cycle's target.
  const open = new Map<object, string>()

  const walk = (item: unknown, at: string, depth: number): Unstorable | undefined => {
    const verdict = rules.classify(item, depth)
    if (verdict.kind === 'leaf') return undefined
    if (verdict.kind === 'refused') {
      return verdict.hint === undefined
        ? { path: at, found: verdict.found }
        : { path: at, found: verdict.found, hint: verdict.hint }
    }
    const container = item as object
    const target = open.get(container)
    if (target !== undefined) {
      return {
        path: at,
        found: `a circular reference to ${target}`,
        hint: 'JSON cannot store a cycle',
      }
    }
    const inner = depth + verdict.levels
    // The container's own deepest level (a Flask tuple is a tag object around a list: two levels).
    if (inner - 1 > rules.maxLevel) {
      return {
        path: at,
        found: `data nested deeper than ${rules.maxLevel} levels`,
        hint: 'flatten it',
      }
    }
    open.set(container, at)
    let problem: Unstorable | undefined
    if (verdict.kind === 'list') {
      const { items } = verdict
      for (let i = 0; i < items.length && !problem; i++)
        problem = walk(items[i], `${at}[${i}]`, inner)
    } else {
      problem = walkDict(verdict.value, at, inner)
    }
    open.delete(container)
    return problem
  }

  const walkDict = (dict: Record<string, unknown>, at: string, depth: number) => {
    if (Object.getOwnPropertySymbols(dict).length > 0) {
      return { path: at, found: 'an object with a symbol key', hint: 'JSON keeps only string keys' }
    }
    for (const key of Object.keys(dict)) {
      if (key === '__proto__') return protoKey(child(at, key))
      const item = dict[key]
      // Left out, as JSON.stringify leaves it out: reading the key gives undefined either way.
      if (item === undefined) continue
      const problem = walk(item, child(at, key), depth)
      if (problem) return problem
    }
    return undefined
  }

  return walk(value, path, level)
}

/**
 * A `__proto__` key is refused: stored, it would come back as an own key, and code that copies the
 * data with `Object.assign` or a deep merge would make it the copy's prototype.
 */
export function protoKey(path: string): Unstorable {
  return {
    path,
    found: 'a `__proto__` key',
    hint: 'copies made with Object.assign or a merge would turn it into a prototype: rename it',
  }
}
