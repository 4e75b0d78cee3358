import type { CookieJar } from '../cookie/jar.ts'
import { serializeCookieDeletion } from '../cookie/serialize.ts'
import { SessionTooLargeError, UnstorableValueError } from '../errors.ts'
import { storableAsJson } from '../formats/native.ts'
import type {
  Flash,
  FormatContext,
  InvalidSessionReason,
  SessionPayload,
} from '../formats/types.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'
import { callStore } from '../store/call.ts'
import type { SessionStore, StoreWrite } from '../store/types.ts'
import { findSessionCookies } from './chunks.ts'
import { type SessionCodec, insecureWarning } from './codec.ts'
import type { ResolvedSessionOptions } from './options.ts'
import {
  createEmptyPayload,
  newSessionId,
  newSessionState,
  SESSION_STATE,
  Session,
  type SessionState,
  type StorableCheck,
} from './session.ts'
import { createSetCookieSuffix } from './setCookieSuffix.ts'

/** Stored field of a data key: a prefix keeps data keys apart from the session's own fields. */
const DATA = 'd:'
const FLASHES = 'f'
/** Written with every new record, so an empty session (after `regenerate()`) exists too. */
const VERSION = 'v'
const isSessionField = (field: string) => field === FLASHES || field.startsWith(DATA)
const SESSION_BINDING = 'session:'

/** What the store holds for a session as this request knows it. */
interface Stored {
  /** The id the record lives under (the payload's changes on `regenerate()`). */
  id: string
  /** The record exists under `id` (loaded or written by this request). */
  exists: boolean
  /** Field name to value, as stored. */
  fields: Map<string, string>
  /** The user indexed for this id. */
  user: string | null
}

/**
 * Server-side sessions: the cookie holds the session's id, sealed or signed by the session format
 * (with its authenticated lifetime and key rotation), and the data lives in `options.store`, one
 * field per key. A commit writes only the fields that changed.
 */
export function storeCodecFor<T extends object>(
  options: ResolvedSessionOptions<T>,
  store: SessionStore,
  insecureHint?: string,
): SessionCodec<T> {
  const { cookieName, format, maxSize, schema, storeTimeout, userKey } = options
  const stored = new WeakMap<SessionState, Stored>()
  const newId = () => newSessionId(options.random)
  const context = (): FormatContext => ({
    name: SESSION_BINDING + cookieName,
    maxAge: options.maxAge,
    now: Math.floor(options.now() / 1000),
  })
  const toJson = (payload: SessionPayload): string =>
    format.toJson ? format.toJson(payload) : JSON.stringify(payload)
  const suffixFor = createSetCookieSuffix(options)
  const warnInsecure = insecureWarning(options, insecureHint)
  // Each key is stored as JSON, whatever the format of the id cookie.
  const storable: StorableCheck = { format: format.name, find: storableAsJson }
  const call = <R>(what: string, run: () => Promise<R>) => callStore(what, storeTimeout, run)

  const report = (reason: InvalidSessionReason) => {
    try {
      options.onInvalid?.({ reason, cookieName, kind: 'session' })
    } catch {
      // A logging hook must not turn a bad cookie into a failed request.
    }
  }

  const userOf = (data: Record<string, unknown>): string | null => {
    if (userKey === undefined) return null
    const user = data[userKey]
    return typeof user === 'string' && user !== '' ? user : null
  }

  function session(
    loadedCookies: string[],
    payload?: SessionPayload,
    info?: Stored,
    stale = false,
  ) {
    const loaded = payload && { payload, json: toJson(payload), stale }
    const state = newSessionState(loadedCookies, options.permanent, loaded)
    stored.set(state, info ?? { id: '', exists: false, fields: new Map(), user: null })
    return new Session<T>(state, newId, storable)
  }

  /** The payload a stored record holds; `undefined` for a field that is not JSON. */
  function fromRecord(id: string, permanent: boolean, record: Readonly<Record<string, string>>) {
    const payload = createEmptyPayload(id, permanent)
    try {
      for (const [field, value] of Object.entries(record)) {
        if (field.startsWith(DATA)) payload.data[field.slice(DATA.length)] = JSON.parse(value)
        else if (field === FLASHES) payload.flashes = JSON.parse(value) as Flash[]
      }
    } catch {
      return undefined
    }
    return payload
  }

  function loaded(
    present: string[],
    record: Readonly<Record<string, string>> | undefined,
    token: { id: string; permanent: boolean; stale: boolean },
  ): MaybePromise<Session<T>> {
    // Expired, revoked or never written: the cookie is left alone until the session is written
    // again.
    if (record === undefined) return session(present)
    const payload = fromRecord(token.id, token.permanent, record)
    if (!payload) {
      report('malformed')
      return session(present)
    }
    const info: Stored = {
      id: token.id,
      exists: true,
      fields: new Map(Object.entries(record)),
      user: userOf(payload.data),
    }
    if (!schema) return session(present, payload, info, token.stale)
    return chain(schema['~standard'].validate(payload.data), (result) => {
      if (result.issues) {
        report('schema')
        return session(present)
      }
      payload.data = Object.setPrototypeOf({ ...(result.value as object) }, null) as Record<
        string,
        unknown
      >
      return session(present, payload, info, token.stale)
    })
  }

  function load(jar: CookieJar): MaybePromise<Session<T>> {
    const cookies = jar.all()
    // Chunks a cookie session left (before the app moved to a store) are found, so they are
    // deleted.
    const present = findSessionCookies(cookies, cookieName, options.maxChunks)
    const value = cookies[cookieName]
    if (value === undefined) return session(present)
    return chain(format.decode(value, context()), (decoded) => {
      if (!decoded.ok) {
        report(decoded.reason)
        return session(present)
      }
      const { id, permanent } = decoded.payload
      if (id === '') return session(present)
      return call('reading the session', () => store.get(id)).then((record) =>
        loaded(present, record, { id, permanent, stale: decoded.stale }),
      )
    })
  }

  const deletions = (names: readonly string[]): string[] => {
    const { domain, path, partitioned } = options.cookie
    const attributes = {
      path,
      ...(domain ? { domain } : {}),
      ...(partitioned ? { partitioned, secure: true } : {}),
    }
    return names.map((name) => serializeCookieDeletion(name, attributes))
  }

  /**
   * `set` refuses what JSON cannot store, but a value changed in place after `set` (a BigInt pushed
   * into a stored array) is only seen here: name it as `set` would have.
   */
  function toFieldJson(key: string, value: unknown): string | undefined {
    try {
      // `undefined` for a value JSON leaves out (undefined, a function), whatever the typings say.
      return JSON.stringify(value)
    } catch (error) {
      const problem = storableAsJson(value, key)
      if (!problem) throw error
      throw new UnstorableValueError(
        problem.path,
        `The session was changed in place: ${problem.path} is ${problem.found}, which a stored session cannot store`,
      )
    }
  }

  /** The fields the session's data and flashes make now, and their size in bytes. */
  function fieldsOf(payload: SessionPayload): { fields: Map<string, string>; size: number } {
    const fields = new Map<string, string>()
    let size = 0
    for (const [key, value] of Object.entries(payload.data)) {
      const json = toFieldJson(key, value)
      // As in a cookie session: `undefined` and functions are not stored.
      if (json === undefined) continue
      fields.set(DATA + key, json)
      size += key.length + json.length
    }
    if (payload.flashes.length > 0) {
      const json = JSON.stringify(
        payload.flashes.map(({ category, message }) => ({ category, message })),
      )
      fields.set(FLASHES, json)
      size += json.length
    }
    return { fields, size }
  }

  /** After a successful commit: what this request now knows the store and client hold. */
  function settled(state: SessionState, info: Stored, id: string, fields: Map<string, string>) {
    state.payload.id = id
    info.id = id
    state.loadedJson = toJson(state.payload)
    state.isNew = false
    state.modified = false
    state.stale = false
    state.regenerated = false
    state.destroyed = false
    info.exists = true
    info.fields = fields
    info.user = userOf(state.payload.data)
  }

  /** Forgets the stored session and deletes its cookie. */
  function dropped(state: SessionState, info: Stored): string[] {
    const lines = deletions(state.loadedCookies)
    state.loadedCookies = []
    state.loadedJson = undefined
    info.id = ''
    info.exists = false
    info.fields = new Map()
    info.user = null
    return lines
  }

  function issue(state: SessionState, id: string, secure: boolean): MaybePromise<string[]> {
    if (!secure) warnInsecure?.()
    const idPayload = createEmptyPayload(id, state.payload.permanent)
    return chain(format.encode(idPayload, context()), (token) => {
      const lines = [`${cookieName}=${token}${suffixFor(state.payload.permanent, secure)}`]
      // A cookie session's chunks, left from before the store: the id cookie replaces them.
      lines.push(...deletions(state.loadedCookies.filter((name) => name !== cookieName)))
      state.loadedCookies = [cookieName]
      return lines
    })
  }

  function commit(session: Session<T>, secure: boolean): MaybePromise<string[] | undefined> {
    const state = session[SESSION_STATE]
    const info = stored.get(state) as Stored
    if (!state.destroyed && !state.accessed && !state.stale && !state.regenerated) return undefined

    const { fields, size } = fieldsOf(state.payload)
    if (state.destroyed && fields.size === 0) {
      if (info.exists) {
        const { id, user } = info
        return call('deleting the session', () => store.destroy(id, user)).then(() =>
          dropped(state, info),
        )
      }
      return state.loadedCookies.length > 0 ? dropped(state, info) : undefined
    }
    // Past here a destroyed session was written to again (a "logged out" flash): it is stored as a
    // new session, under a new id, and the old record is deleted.
    if (size > maxSize) throw new SessionTooLargeError(size, maxSize, true)
    if (fields.size === 0 && !state.regenerated) {
      // Flask's rule, as for cookie sessions: a session emptied by the handler is deleted.
      if (!info.exists || ![...info.fields.keys()].some(isSessionField)) return undefined
      const { id, user } = info
      return call('deleting the session', () => store.destroy(id, user)).then(() =>
        dropped(state, info),
      )
    }

    const user = userOf(state.payload.data)
    const { id } = state.payload
    if (!info.exists || state.regenerated || id !== info.id) {
      // A new id (`regenerate()` made one already): the whole session under it, then the old one
      // deleted once that succeeded.
      const nextId = id !== '' && id !== info.id ? id : newId()
      const write: StoreWrite = {
        set: { [VERSION]: '1', ...Object.fromEntries(fields) },
        remove: [],
        create: true,
        ttl: options.maxAge,
        ...(user !== null ? { user: { now: user, before: null } } : {}),
      }
      const old = info.exists ? { id: info.id, user: info.user } : undefined
      return call('writing the session', async () => {
        await store.write(nextId, write)
        if (old) await store.destroy(old.id, old.user)
      }).then(() =>
        chain(issue(state, nextId, secure), (lines) => {
          settled(state, info, nextId, fields)
          return lines
        }),
      )
    }

    const rolling = options.rolling
    const set: Record<string, string> = {}
    const remove: string[] = []
    for (const [field, value] of fields) if (info.fields.get(field) !== value) set[field] = value
    for (const field of info.fields.keys()) {
      if (isSessionField(field) && !fields.has(field)) remove.push(field)
    }
    const changed = remove.length > 0 || Object.keys(set).length > 0
    if (!changed && !rolling && !state.stale) return undefined
    if (!changed && !rolling) {
      // Only the key rotated: a fresh cookie for the same id, nothing to store.
      return chain(issue(state, id, secure), (lines) => {
        settled(state, info, id, fields)
        return lines
      })
    }
    const write: StoreWrite = {
      set,
      remove,
      create: false,
      ...(rolling ? { ttl: options.maxAge } : {}),
      ...(user !== info.user ? { user: { now: user, before: info.user } } : {}),
    }
    return call('writing the session', () => store.write(id, write)).then((applied) => {
      if (!applied) return revoked(state, info)
      if (!rolling && !state.stale) {
        settled(state, info, id, fields)
        return undefined
      }
      return chain(issue(state, id, secure), (lines) => {
        settled(state, info, id, fields)
        return lines
      })
    })
  }

  /**
   * The record went away while this request ran (revoked, expired): the session stays gone, with
   * its cookie, rather than coming back under a new id with this request's changes.
   */
  function revoked(state: SessionState, info: Stored): string[] {
    state.payload.data = createEmptyPayload('', false).data
    state.payload.flashes = []
    state.destroyed = true
    return dropped(state, info)
  }

  return { options, load, commit }
}
