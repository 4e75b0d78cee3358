import { type CookieJar, SET_SERIALIZED } from '../cookie/jar.ts'
import { type CookieOptions, MAX_AGE_CAP_SECONDS, serializeCookie } from '../cookie/serialize.ts'
import { ConfigError, SessionTooLargeError } from '../errors.ts'
import { sealedFormat, signedFormat } from '../formats/native.ts'
import { isSafeValue } from '../cookie/validate.ts'
import { findSessionCookies, joinChunks, splitIntoChunksAfter } from './chunks.ts'
import type { SessionCookieOptions, SessionOptions } from './options.ts'
import {
  createEmptyPayload,
  newSessionId,
  SESSION_STATE,
  Session,
  type SessionData,
  type SessionState,
} from './session.ts'
import type { FormatContext, FormatSetup, InvalidSessionReason, SessionFormat, SessionPayload } from './types.ts'

export interface SessionCodec<T extends object = SessionData> {
  readonly cookieName: string
  readonly format: SessionFormat
  /** Reads the session from the request's cookies. Never throws: a bad cookie reads as a new empty session. */
  load(cookies: CookieJar): Promise<Session<T>>
  /**
   * Adds the `Set-Cookie` headers the session needs to `cookies`: none when nothing changed.
   * Throws `SessionTooLargeError` with nothing written, so the client keeps its previous session.
   */
  commit(session: Session<T>, cookies: CookieJar): Promise<void>
  /**
   * What `commit` would do now, decided without crypto: `'none'` lets an adapter send the response
   * at once instead of holding it for an async commit. Calling `commit` again after changes is safe.
   */
  pendingCommit(session: Session<T>): 'none' | 'delete' | 'write'
}

const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60
const SESSION_BINDING = 'session:'

function check(condition: boolean, option: string, expected: string): void {
  if (!condition) throw new ConfigError('INVALID_OPTION', `Option \`${option}\` must be ${expected}`)
}

const isPositiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0

/** Validates options and secrets now, at start-up, so a misconfiguration never waits for a request. */
export function createSessionCodec<T extends object = SessionData>(
  options: SessionOptions<T>,
): SessionCodec<T> {
  check(typeof options === 'object' && options !== null, 'options', 'an object')
  const cookieName = options.cookieName ?? 'session'
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE
  const maxSize = options.maxSize ?? 12288
  check(isPositiveInteger(maxAge), 'maxAge', 'a positive whole number of seconds')
  check(isPositiveInteger(maxSize), 'maxSize', 'a positive whole number of bytes')
  check(options.maxChunks === undefined || isPositiveInteger(options.maxChunks), 'maxChunks', 'a positive integer')
  check(options.schema === undefined || typeof options.schema?.['~standard']?.validate === 'function', 'schema', 'a Standard Schema validator')
  const cookie: SessionCookieOptions = { path: '/', httpOnly: true, sameSite: 'Lax', secure: 'auto', ...options.cookie }
  check(cookie.secure === 'auto' || typeof cookie.secure === 'boolean', 'cookie.secure', "true, false or 'auto'")
  // Browsers only accept prefixed cookies over HTTPS; 'auto' would fail on the first plain-HTTP request.
  check(
    !/^__(secure|host)-/i.test(cookieName) || cookie.secure === true,
    'cookie.secure',
    `true for a cookie named ${cookieName} (browsers accept __Secure-/__Host- cookies only with Secure)`,
  )
  // Serializing once now surfaces a bad name, domain, path or prefix at start-up.
  serializeCookie(cookieName, '', { ...cookie, secure: cookie.secure !== false })

  const warned = new Set<string>()
  const warnSink = options.warn ?? ((message: string) => console.warn(message))
  const setup: FormatSetup = {
    secrets: Array.isArray(options.secrets) ? options.secrets : [options.secrets as string],
    maxAge,
    warn: (message) => {
      if (warned.has(message)) return
      warned.add(message)
      warnSink(message)
    },
  }
  if (options.backend) setup.backend = options.backend
  if (options.random) setup.random = options.random
  const formatOption = options.format ?? 'sealed'
  let format: SessionFormat
  if (formatOption === 'sealed') format = sealedFormat(setup, options.compress ?? false)
  else if (formatOption === 'signed') format = signedFormat(setup, options.compress ?? false)
  else if (typeof formatOption === 'function') format = formatOption(setup)
  else throw new ConfigError('INVALID_OPTION', "Option `format` must be 'sealed', 'signed' or a format such as `flask`")
  const maxChunks = Math.min(options.maxChunks ?? 4, format.maxChunks ?? Number.POSITIVE_INFINITY)

  const random = options.random ?? ((buffer: Uint8Array) => crypto.getRandomValues(buffer))
  const newId = () => newSessionId(random)
  const clock = options.now ?? Date.now
  const context = (): FormatContext => ({
    // Bound into the MAC under a name no cookie can have (':' is not a token character), so a
    // plain signed cookie can never be replayed as a session.
    name: SESSION_BINDING + cookieName,
    maxAge,
    now: Math.floor(clock() / 1000),
  })
  const report = (reason: InvalidSessionReason) => {
    try {
      options.onInvalid?.({ reason, cookieName })
    } catch {
      // A logging hook must not turn a bad cookie into a failed request.
    }
  }

  const fresh = (loadedCookies: string[]): Session<T> =>
    new Session<T>(
      {
        payload: createEmptyPayload('', options.permanent ?? false),
        loadedJson: undefined,
        stale: false,
        isNew: true,
        modified: false,
        accessed: false,
        regenerated: false,
        destroyed: false,
        loadedCookies,
      },
      newId,
    )

  async function load(jar: CookieJar): Promise<Session<T>> {
    const cookies = jar.all()
    const present = findSessionCookies(cookies, cookieName)
    if (present.length === 0) return fresh(present)
    const value = joinChunks(cookies, cookieName, maxChunks)
    if (value === undefined) return fresh(present)
    const decoded = await format.decode(value, context())
    if (!decoded.ok) {
      report(decoded.reason)
      return fresh(present)
    }
    const { payload } = decoded
    if (options.schema) {
      const result = await options.schema['~standard'].validate(payload.data)
      if (result.issues) {
        report('schema')
        return fresh(present)
      }
      payload.data = Object.setPrototypeOf({ ...(result.value as object) }, null) as Record<string, unknown>
    }
    const state: SessionState = {
      payload,
      // The token's own JSON when the format gives it and no schema rewrote the data: no serializing here.
      loadedJson: decoded.json !== undefined && !options.schema && format.toJson ? decoded.json : toJson(payload),
      stale: decoded.stale,
      isNew: false,
      modified: false,
      accessed: false,
      regenerated: false,
      destroyed: false,
      loadedCookies: present,
    }
    return new Session<T>(state, newId)
  }

  // The session's Set-Cookie attributes, as `CookieJar#set` would resolve them (path defaults to '/'),
  // serialized once per handler and Secure flag; Expires only changes once a second.
  const { secure: secureOption, ...cookieRest } = cookie
  const path = cookieRest.path ?? '/'
  const suffixOf = (options: CookieOptions) => serializeCookie(cookieName, '', options).slice(cookieName.length + 1)
  // A static Expires (from an untyped caller) or a lifetime over the 400-day cap depends on the clock
  // at serialization: those are serialized on every commit.
  const cacheable = !('expires' in cookieRest) && maxAge <= MAX_AGE_CAP_SECONDS
  const sessionSuffix: (string | undefined)[] = [undefined, undefined]
  const permanentSuffix: [{ second: number; suffix: string }, { second: number; suffix: string }] = [
    { second: Number.NaN, suffix: '' },
    { second: Number.NaN, suffix: '' },
  ]

  function attributesFor(state: SessionState, jar: CookieJar): CookieOptions {
    const secure = secureOption === 'auto' ? jar.isSecureRequest : secureOption === true
    const attributes: CookieOptions = { ...cookieRest, path, secure }
    if (state.payload.permanent) {
      attributes.maxAge = maxAge
      attributes.expires = new Date(clock() + maxAge * 1000)
    }
    return attributes
  }

  /** The `; Max-Age=...` part of the session's Set-Cookie lines for this commit: what `attributesFor` serializes to. */
  function suffixFor(state: SessionState, jar: CookieJar): string {
    if (!cacheable) return suffixOf(attributesFor(state, jar))
    const secure = secureOption === 'auto' ? jar.isSecureRequest : secureOption === true
    const which = secure ? 1 : 0
    if (!state.payload.permanent) return (sessionSuffix[which] ??= suffixOf({ ...cookieRest, path, secure }))
    const expires = clock() + maxAge * 1000
    // An injected clock far ahead of the system one: serializeCookie caps Expires by the system clock.
    if (expires > Date.now() + (MAX_AGE_CAP_SECONDS - 1) * 1000) return suffixOf(attributesFor(state, jar))
    // Expires is written to the second (IMF-fixdate), so one serialization serves a whole second.
    const cached = permanentSuffix[which]
    const second = Math.floor(expires / 1000)
    if (cached.second !== second) {
      cached.suffix = suffixOf({ ...cookieRest, path, secure, maxAge, expires: new Date(expires) })
      cached.second = second
    }
    return cached.suffix
  }

  function deleteAll(names: readonly string[], jar: CookieJar): void {
    const { domain, path, partitioned } = cookie
    for (const name of names) {
      jar.delete(name, { ...(domain ? { domain } : {}), path: path ?? '/', ...(partitioned ? { partitioned, secure: true } : {}) })
    }
  }

  /** The payload's JSON for change detection: the format's own when it has one, so a write can reuse it. */
  const toJson = (payload: SessionPayload): string => (format.toJson ? format.toJson(payload) : JSON.stringify(payload))
  /** The JSON `decide` computed for the payload, if it computed one (read right after the call). */
  let decidedJson: string | undefined

  /** What commit would do, decided synchronously: adapters skip holding a response when it is `'none'`. */
  function pendingCommit(session: Session<T>): 'none' | 'delete' | 'write' {
    return decide(session[SESSION_STATE])
  }

  function decide(state: SessionState): 'none' | 'delete' | 'write' {
    decidedJson = undefined
    const { payload } = state
    if (state.destroyed) return state.loadedCookies.length > 0 ? 'delete' : 'none'
    const isEmpty = Object.keys(payload.data).length === 0 && payload.flashes.length === 0
    // Every read and write goes through an accessor, so an untouched session cannot have changed;
    // comparing JSON also catches nested objects changed in place.
    let changed = false
    if (state.accessed) {
      if (state.loadedJson === undefined) changed = !isEmpty
      else {
        decidedJson = toJson(payload)
        changed = decidedJson !== state.loadedJson
      }
    }
    if (isEmpty && !state.regenerated) {
      // Flask's rule: a session emptied by the handler is deleted, not stored empty.
      return changed && state.loadedCookies.length > 0 ? 'delete' : 'none'
    }
    const rolling = options.rolling === true && state.accessed
    return changed || state.regenerated || state.stale || rolling ? 'write' : 'none'
  }

  async function commit(session: Session<T>, jar: CookieJar): Promise<void> {
    const state = session[SESSION_STATE]
    const pending = decide(state)
    if (pending === 'none') return
    if (pending === 'delete') {
      deleteAll(state.loadedCookies, jar)
      state.loadedCookies = []
      state.loadedJson = state.destroyed ? undefined : toJson(state.payload)
      return
    }
    // The id is kept only once the commit succeeds: a refused commit must leave the session as it was.
    let json = decidedJson
    let payload = state.payload
    if (payload.id === '') {
      payload = { ...payload, id: newId() }
      json = undefined
    }
    let token: string
    if (format.encodeJson && format.toJson) {
      json ??= format.toJson(payload)
      const encoded = format.encodeJson(json, context())
      token = typeof encoded === 'string' ? encoded : await encoded
    } else {
      token = await format.encode(payload, context())
      json = undefined
    }
    const suffix = suffixFor(state, jar)
    const chunks = splitIntoChunksAfter(cookieName, token, suffix.length)
    let size = 0
    for (const chunk of chunks) size += chunk.name.length + chunk.value.length
    if (chunks.length > maxChunks || size > maxSize) {
      throw new SessionTooLargeError(size, Math.min(maxSize, maxChunks * 4096))
    }
    if (isSafeValue(token)) {
      // Nothing to escape and every line within 4096 bytes: the Set-Cookie line is the name, the
      // token and the attributes serialized above, what `CookieJar#set` would write.
      for (const chunk of chunks) {
        jar[SET_SERIALIZED](chunk.name, path, cookieRest.domain, `${chunk.name}=${chunk.value}${suffix}`)
      }
    } else {
      // A custom format's token with characters to escape: the jar encodes and validates it.
      const attributes = attributesFor(state, jar)
      for (const chunk of chunks) jar.set(chunk.name, chunk.value, attributes)
    }
    if (state.loadedCookies.length > 0) {
      deleteAll(state.loadedCookies.filter((name) => !chunks.some((chunk) => chunk.name === name)), jar)
    }
    state.payload.id = payload.id
    state.loadedCookies = chunks.length === 1 && chunks[0]!.name === cookieName ? [cookieName] : chunks.map((chunk) => chunk.name)
    state.loadedJson = json ?? toJson(state.payload)
    state.isNew = false
    state.modified = false
    state.stale = false
    state.regenerated = false
  }

  return { cookieName, format, load, commit, pendingCommit }
}
