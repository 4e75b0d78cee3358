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

/**
 * What one value is to a format: stored as it is, walked into (an array or tuple's items, a dict's
 * values, which sit `levels` deeper), or refused. Rules return shared constants except to refuse,
 * so walking allocates nothing per value.
 */
export type Verdict =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'refused'; found: string; hint?: string }
  | { readonly kind: 'list'; readonly levels: number }
  | { readonly kind: 'dict'; readonly levels: number }

export const LEAF: Verdict = { kind: 'leaf' }
export const LIST: Verdict = { kind: 'list', levels: 1 }
export const DICT: Verdict = { kind: 'dict', levels: 1 }

export interface StorableRules {
  /** Deepest JSON nesting level the format writes (the stored document itself is level 1). */
  maxLevel: number
  /** Classifies one value; `level` is the JSON level its outermost object would land on. */
  classify(value: unknown, level: number): Verdict
}

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

/**
 * A `{}` literal or a null-prototype object, also from another realm: what JSON keeps as an object.
 */
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
    if (Array.isArray(object)) return LIST
    if (isPlainObject(object)) return DICT
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

/** One walk: the path to the current value is built only when something is refused. */
interface Walk {
  rules: StorableRules
  root: string
  /** Keys and indexes from the root down to the value being walked. */
  segments: (string | number)[]
  /** The containers on that path, outermost first (`ancestors[k]` is at `segments[0..k)`). */
  ancestors: object[]
}

function pathOf(walk: Walk, length: number): string {
  let path = walk.root
  for (let i = 0; i < length; i++) {
    const segment = walk.segments[i] as string | number
    path = typeof segment === 'number' ? `${path}[${segment}]` : child(path, segment)
  }
  return path
}

function problemAt(walk: Walk, found: string, hint?: string): Unstorable {
  const path = pathOf(walk, walk.segments.length)
  return hint === undefined ? { path, found } : { path, found, hint }
}

function walkValue(walk: Walk, item: unknown, depth: number): Unstorable | undefined {
  const verdict = walk.rules.classify(item, depth)
  if (verdict.kind === 'leaf') return undefined
  if (verdict.kind === 'refused') return problemAt(walk, verdict.found, verdict.hint)
  const container = item as object
  const { ancestors, segments } = walk
  const open = ancestors.indexOf(container)
  if (open >= 0) {
    return problemAt(
      walk,
      `a circular reference to ${pathOf(walk, open)}`,
      'JSON cannot store a cycle',
    )
  }
  const inner = depth + verdict.levels
  // The container's own deepest level (a Flask tuple is a tag object around a list: two levels).
  if (inner - 1 > walk.rules.maxLevel) {
    return problemAt(walk, `data nested deeper than ${walk.rules.maxLevel} levels`, 'flatten it')
  }
  ancestors.push(container)
  let problem: Unstorable | undefined
  if (verdict.kind === 'list') {
    const items = container as ArrayLike<unknown>
    for (let i = 0; i < items.length && problem === undefined; i++) {
      segments.push(i)
      problem = walkValue(walk, items[i], inner)
      segments.pop()
    }
  } else {
    problem = walkDict(walk, container as Record<string, unknown>, inner)
  }
  ancestors.pop()
  return problem
}

function walkDict(
  walk: Walk,
  dict: Record<string, unknown>,
  depth: number,
): Unstorable | undefined {
  if (Object.getOwnPropertySymbols(dict).length > 0) {
    return problemAt(walk, 'an object with a symbol key', 'JSON keeps only string keys')
  }
  for (const key of Object.keys(dict)) {
    const item = dict[key]
    // Left out, as JSON.stringify leaves it out: reading the key gives undefined either way.
    if (item === undefined && key !== '__proto__') continue
    walk.segments.push(key)
    const problem =
      key === '__proto__'
        ? protoKey(pathOf(walk, walk.segments.length))
        : walkValue(walk, item, depth)
    walk.segments.pop()
    if (problem) return problem
  }
  return undefined
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
  return walkValue({ rules, root: path, segments: [], ancestors: [] }, value, level)
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
