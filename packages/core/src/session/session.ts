import { UnstorableValueError } from '../errors.ts'
import { storableAsJson } from '../formats/native.ts'
import { protoKey, type Unstorable } from '../formats/storable.ts'
import type { Flash, SessionPayload } from '../formats/types.ts'
import type { MaybePromise } from '../maybePromise.ts'
import type { LegacyCookie } from './legacy.ts'

export type SessionData = Record<string, unknown>

/** Internal state the codec reads; not part of the public API. */
export const SESSION_STATE: unique symbol = Symbol('cookietin.session.state')

export interface SessionState {
  payload: SessionPayload
  /** JSON of the payload as loaded, to notice nested changes made without `set`. */
  loadedJson: string | undefined
  /** The loaded cookie was verified by an older key. */
  stale: boolean
  isNew: boolean
  modified: boolean
  /** Counts writes, so a change made after the response's headers can be noticed cheaply. */
  writes: number
  accessed: boolean
  regenerated: boolean
  destroyed: boolean
  /**
   * Cookie names this session was read from (`name` or `name.0`, `name.1`, ...), to delete on
   * shrink or destroy.
   */
  loadedCookies: string[]
  /**
   * Another library's cookies this session was migrated from (`migrateFrom`): every commit that
   * sends lines deletes them too, since a later commit's lines replace an earlier one's.
   */
  legacyCookies?: readonly LegacyCookie[]
  /** The request scope that owns the session: `commitSession` commits through it. */
  owner: SessionOwner | undefined
  /** The response's headers are built: a write now is a change no response carries. */
  finished: boolean
}

/** What a session needs of the request scope that owns it. */
export interface SessionOwner {
  commit(): MaybePromise<void>
  /** A write after `finish`: the owner reports it if it turns out to be a change. */
  noteLateWrite(): void
}

export function newSessionId(random: (buffer: Uint8Array) => Uint8Array): string {
  const bytes = random(new Uint8Array(16))
  let id = ''
  for (const byte of bytes) id += byte.toString(16).padStart(2, '0')
  return id
}

function emptyData(): SessionData {
  return Object.create(null) as SessionData
}

/** What the session's format can store: `find` walks one value about to be written. */
export interface StorableCheck {
  /** The format's name, for messages. */
  format: string
  find(value: unknown, path: string): Unstorable | undefined
}

const PLAIN_JSON: StorableCheck = { format: 'JSON', find: storableAsJson }

/** `set` names its key in the message; `replace` names itself. Built only for an error. */
const callOf = (method: 'set' | 'replace', key: unknown) =>
  method === 'set' ? `session.set(${JSON.stringify(String(key))})` : 'session.replace'

function refuse(call: string, problem: Unstorable, format: string): UnstorableValueError {
  const hint = problem.hint === undefined ? '' : `: ${problem.hint}`
  return new UnstorableValueError(
    problem.path,
    `${call}: ${problem.path} is ${problem.found}, which a ${format} session cannot store${hint}`,
  )
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

/**
 * A dict you read and write, like Flask's `session`. Nothing is stored on the server: on commit the
 * whole session goes back to the client in its cookie, sealed or signed.
 */
export class Session<T extends object = SessionData> {
  readonly [SESSION_STATE]: SessionState
  readonly #newId: () => string
  readonly #storable: StorableCheck

  constructor(state: SessionState, newId: () => string, storable: StorableCheck = PLAIN_JSON) {
    this[SESSION_STATE] = state
    this.#newId = newId
    this.#storable = storable
  }

  /** Throws `UnstorableValueError` unless the format can store `value` under `key`. */
  #check(method: 'set' | 'replace', key: unknown, value: unknown): void {
    if (typeof key !== 'string') {
      throw new UnstorableValueError(
        String(key),
        `${callOf(method, key)}: session keys are strings; got ${typeOf(key)}`,
      )
    }
    if (key === '__proto__') {
      throw refuse(callOf(method, key), protoKey(key), this.#storable.format)
    }
    // Most values are strings and numbers: no walk, no allocation.
    if (typeof value === 'string' || typeof value === 'boolean') return
    if (typeof value === 'number' && Number.isFinite(value)) return
    const problem = this.#storable.find(value, key)
    if (problem) throw refuse(callOf(method, key), problem, this.#storable.format)
  }

  #read(): SessionPayload {
    const state = this[SESSION_STATE]
    state.accessed = true
    return state.payload
  }

  #write(): SessionPayload {
    const state = this[SESSION_STATE]
    state.accessed = true
    state.modified = true
    state.writes++
    if (state.finished) state.owner?.noteLateWrite()
    return state.payload
  }

  get<K extends keyof T & string>(key: K): T[K] | undefined {
    const data = this.#read().data
    return Object.hasOwn(data, key) ? (data[key] as T[K]) : undefined
  }

  /**
   * Stores `value` under `key`; `undefined` deletes the key. Throws `UnstorableValueError` (code
   * `UNSTORABLE_VALUE`), changing nothing, for a value the session's format cannot store: a
   * function, a `Map`, a `BigInt` in a JSON session, a cycle, a `__proto__` key... The error's
   * `path` names it.
   */
  set<K extends keyof T & string>(key: K, value: T[K]): this {
    if (value === undefined) {
      this.delete(key)
      return this
    }
    this.#check('set', key, value)
    this.#write().data[key] = value
    return this
  }

  /**
   * Replaces all the data at once (flashes stay). Every value is checked before anything changes,
   * so a refused one (`UnstorableValueError`) leaves the session as it was.
   */
  replace(data: Partial<T>): void {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new UnstorableValueError(
        '',
        `session.replace: the session's data is an object of keys; got ${typeOf(data)}`,
      )
    }
    const entries = Object.entries(data).filter(([, value]) => value !== undefined)
    for (const [key, value] of entries) this.#check('replace', key, value)
    const next = emptyData()
    for (const [key, value] of entries) next[key] = value
    this.#write().data = next
  }

  has(key: keyof T & string): boolean {
    return Object.hasOwn(this.#read().data, key)
  }

  /** Returns whether the key was there. */
  delete(key: keyof T & string): boolean {
    const data = this.#read().data
    if (!Object.hasOwn(data, key)) return false
    delete this.#write().data[key]
    return true
  }

  /** Removes the key and returns its value (or `fallback`). */
  pop<K extends keyof T & string>(key: K): T[K] | undefined
  pop<K extends keyof T & string, D>(key: K, fallback: D): T[K] | D
  pop<K extends keyof T & string, D>(key: K, fallback?: D): T[K] | D | undefined {
    const data = this.#read().data
    if (!Object.hasOwn(data, key)) return fallback
    const value = data[key] as T[K]
    delete this.#write().data[key]
    return value
  }

  /**
   * Empties the data (flashes too). The cookie is deleted on commit unless something is set again.
   */
  clear(): void {
    const payload = this.#write()
    payload.data = emptyData()
    payload.flashes = []
  }

  /** A read-only view of the data; change it with `set`, `delete` or `pop`. */
  get data(): Readonly<Partial<T>> {
    return this.#read().data as Partial<T>
  }

  get keys(): string[] {
    return Object.keys(this.#read().data)
  }

  /** Random identity of this session, replaced by `regenerate()`. */
  get id(): string {
    const payload = this.#read()
    // Made on first use: most requests never need one, and randomness is not free.
    if (payload.id === '') payload.id = this.#newId()
    return payload.id
  }

  /** True until the session has been committed once: no valid cookie came with the request. */
  get isNew(): boolean {
    return this[SESSION_STATE].isNew
  }

  get isModified(): boolean {
    return this[SESSION_STATE].modified
  }

  /**
   * Permanent sessions outlive the browser (Max-Age); others end with it. Both expire on the
   * server.
   */
  get permanent(): boolean {
    return this.#read().permanent
  }

  set permanent(value: boolean) {
    if (typeof value !== 'boolean') {
      throw new UnstorableValueError(
        'permanent',
        `session.permanent is true or false; got ${typeOf(value)}`,
      )
    }
    if (this[SESSION_STATE].payload.permanent !== value) this.#write().permanent = value
  }

  /**
   * Queues a message for the next request that calls `consumeFlashes()`, as Flask's `flash()`, also
   * after `clear()` or `destroy()` (a "logged out" message reaches the next page). Both are
   * strings.
   */
  flash(message: string, category = 'message'): void {
    for (const [name, text] of [
      ['message', message],
      ['category', category],
    ] as const) {
      if (typeof text !== 'string') {
        throw new UnstorableValueError(
          name,
          `session.flash: the ${name} is a string; got ${typeOf(text)}`,
        )
      }
    }
    this.#write().flashes.push({ category, message })
  }

  /** Returns the queued messages in order and removes them: each is seen exactly once. */
  consumeFlashes(): Flash[] {
    const payload = this.#read()
    if (payload.flashes.length === 0) return []
    const flashes = payload.flashes
    this.#write().flashes = []
    return flashes
  }

  /** Messages queued so far, without consuming them. */
  peekFlashes(): readonly Flash[] {
    return this.#read().flashes
  }

  /**
   * Gives the session a new identity and value while keeping its data. Call it on login so a
   * session fixed by an attacker before login is not the one that is logged in.
   */
  regenerate(): void {
    const state = this[SESSION_STATE]
    this.#write().id = this.#newId()
    state.regenerated = true
    state.destroyed = false
  }

  /**
   * Empties the session and deletes its cookies on commit. Anything written afterwards (a flash
   * saying "logged out") goes into a new session with a new identity.
   */
  destroy(): void {
    const state = this[SESSION_STATE]
    const payload = this.#write()
    payload.data = emptyData()
    payload.flashes = []
    payload.id = ''
    state.destroyed = true
    state.regenerated = false
  }

  toJSON(): Partial<T> {
    return { ...this.#read().data } as Partial<T>
  }
}

export function createEmptyPayload(id: string, permanent: boolean): SessionPayload {
  return { id, data: emptyData(), flashes: [], permanent }
}

/** A request's session state as loaded: `loaded` absent means a new, empty session. */
export function newSessionState(
  loadedCookies: string[],
  permanent: boolean,
  loaded?: { payload: SessionPayload; json: string; stale: boolean },
): SessionState {
  return {
    payload: loaded?.payload ?? createEmptyPayload('', permanent),
    loadedJson: loaded?.json,
    stale: loaded?.stale ?? false,
    isNew: loaded === undefined,
    modified: false,
    writes: 0,
    accessed: false,
    regenerated: false,
    destroyed: false,
    loadedCookies,
    owner: undefined,
    finished: false,
  }
}
