import type { CookieJar } from '../cookie/jar.ts'
import { serializeCookie, serializeCookieDeletion } from '../cookie/serialize.ts'
import { isSafeValue } from '../cookie/validate.ts'
import { SessionTooLargeError, UnstorableValueError } from '../errors.ts'
import { storableAsJson } from '../formats/native.ts'
import type {
  DecodeResult,
  FormatContext,
  InvalidSessionReason,
  SessionPayload,
} from '../formats/types.ts'
import { type MaybePromise, chain, isPromise } from '../maybePromise.ts'
import { findSessionCookies, joinChunks, splitIntoChunksAfter } from './chunks.ts'
import { decideCommit } from './decide.ts'
import {
  type LegacySession,
  deleteLegacyCookies,
  legacyCookiesPresent,
  readLegacySession,
} from './legacy.ts'
import {
  type ResolvedSessionOptions,
  type SessionOptions,
  resolveSessionOptions,
} from './options.ts'
import {
  createEmptyPayload,
  newSessionId,
  newSessionState,
  SESSION_STATE,
  Session,
  type SessionData,
  type SessionState,
  type StorableCheck,
} from './session.ts'
import { timedSessionId, withRevocations } from './revocation.ts'
import { createSetCookieSuffix } from './setCookieSuffix.ts'
import { storeCodecFor } from './storeCodec.ts'

export interface SessionCodec<T extends object = SessionData> {
  readonly options: ResolvedSessionOptions<T>
  /**
   * Reads the session from the request's cookies. Never throws: a bad cookie reads as a new empty
   * session. A value on a synchronous back-end (unless the schema validates asynchronously, or a
   * `migrateFrom` reader reads a legacy cookie).
   */
  load(cookies: CookieJar): MaybePromise<Session<T>>
  /**
   * The `Set-Cookie` lines the session needs now, or `undefined` when nothing changed since the
   * last commit. Throws `SessionTooLargeError` with the session left as it was, so the client keeps
   * its previous cookie. A value on a synchronous back-end.
   */
  commit(session: Session<T>, secureRequest: boolean): MaybePromise<string[] | undefined>
}

const SESSION_BINDING = 'session:'

/**
 * Validates options and secrets now, at start-up, so a misconfiguration never waits for a request.
 */
export function createSessionCodec<T extends object = SessionData>(
  options: SessionOptions<T>,
): SessionCodec<T> {
  return sessionCodecFor(resolveSessionOptions(options))
}

/**
 * Cookie sessions, revocable ones, or server-side ones, as the resolved options say. `insecureHint`
 * is the adapter's advice for a TLS-terminating proxy (e.g. Express's `trust proxy`).
 */
export function sessionCodecFor<T extends object>(
  resolved: ResolvedSessionOptions<T>,
  insecureHint?: string,
): SessionCodec<T> {
  if (resolved.store) return storeCodecFor(resolved, resolved.store, insecureHint)
  const codec = codecFor(resolved, insecureHint)
  const { revocations, userKey } = resolved
  return revocations && userKey !== undefined ? withRevocations(codec, revocations, userKey) : codec
}

/** Cookie sessions, for options already resolved (the handler shares them with its jars). */
function codecFor<T extends object>(
  options: ResolvedSessionOptions<T>,
  insecureHint?: string,
): SessionCodec<T> {
  const { cookieName, format, maxChunks, maxSize, schema, migrateFrom } = options
  // With revocations, an id records when it was made, to compare with its user's last revocation.
  const newId = options.revocations
    ? () => timedSessionId(options.random, options.now())
    : () => newSessionId(options.random)
  const storable: StorableCheck = {
    format: format.name,
    find: format.findUnstorable
      ? (value, path) => format.findUnstorable?.(value, path)
      : storableAsJson,
  }
  const warnInsecure = insecureWarning(options, insecureHint)
  const context = (): FormatContext => ({
    // Bound into the MAC under a name no cookie can have (':' is not a token character), so a
    // plain signed cookie can never be replayed as a session.
    name: SESSION_BINDING + cookieName,
    maxAge: options.maxAge,
    now: Math.floor(options.now() / 1000),
  })
  const serialize = (payload: SessionPayload): string =>
    format.toJson ? format.toJson(payload) : JSON.stringify(payload)
  // `set` refuses what the format cannot store, but a value changed in place after `set` (a BigInt
  // pushed into a stored array) is only seen here: name it as `set` would have.
  const toJson = (payload: SessionPayload): string => {
    try {
      return serialize(payload)
    } catch (error) {
      for (const key of Object.keys(payload.data)) {
        const problem = storable.find(payload.data[key], key)
        if (problem) {
          const hint = problem.hint === undefined ? '' : `: ${problem.hint}`
          throw new UnstorableValueError(
            problem.path,
            `The session was changed in place: ${problem.path} is ${problem.found}, which a ${storable.format} session cannot store${hint}`,
          )
        }
      }
      throw error
    }
  }
  const suffixFor = createSetCookieSuffix(options)

  const report = (reason: InvalidSessionReason, name = cookieName, reader?: string) => {
    try {
      options.onInvalid?.({
        reason,
        cookieName: name,
        kind: 'session',
        ...(reader ? { migrateFrom: reader } : {}),
      })
    } catch {
      // A logging hook must not turn a bad cookie into a failed request.
    }
  }

  const session = (
    loadedCookies: string[],
    loaded?: { payload: SessionPayload; json: string; stale: boolean },
  ) => {
    const state = newSessionState(loadedCookies, options.permanent, loaded)
    return new Session<T>(state, newId, storable)
  }

  function validated(
    decoded: DecodeResult & { ok: true },
    present: string[],
    refused = () => report('schema'),
  ): MaybePromise<Session<T>> {
    const { payload } = decoded
    if (!schema) {
      // The token's own JSON when the format gives it: no serializing here.
      const json = decoded.json !== undefined && format.toJson ? decoded.json : toJson(payload)
      return session(present, { payload, json, stale: decoded.stale })
    }
    return chain(schema['~standard'].validate(payload.data), (result) => {
      if (result.issues) {
        refused()
        return session(present)
      }
      payload.data = Object.setPrototypeOf({ ...(result.value as object) }, null) as Record<
        string,
        unknown
      >
      return session(present, { payload, json: toJson(payload), stale: decoded.stale })
    })
  }

  const mayMigrate = migrateFrom ? legacyCookiesPresent(migrateFrom) : () => false

  function load(jar: CookieJar): MaybePromise<Session<T>> {
    const cookies = jar.all()
    const present = findSessionCookies(cookies, cookieName, maxChunks)
    const value = present.length === 0 ? undefined : joinChunks(cookies, cookieName, maxChunks)
    if (value === undefined)
      return mayMigrate(cookies) ? migrate(cookies, present) : session(present)
    // Formats and schemas promise not to throw on any cookie; this keeps "loading never throws"
    // true even if one breaks that promise (a validator that recurses on hostile nesting).
    const failed = () => {
      report('malformed')
      return session(present)
    }
    try {
      const loaded = chain(format.decode(value, context()), (decoded) => {
        if (decoded.ok) return validated(decoded, present)
        if (migrateFrom) return migrate(cookies, present, decoded.reason)
        report(decoded.reason)
        return session(present)
      })
      return isPromise(loaded) ? loaded.catch(failed) : loaded
    } catch {
      return failed()
    }
  }

  /** No valid cookietin session: the first legacy one that verifies, re-issued on commit. */
  function migrate(
    cookies: Readonly<Record<string, string>>,
    present: string[],
    invalid?: InvalidSessionReason,
  ): MaybePromise<Session<T>> {
    const legacy = readLegacySession(migrateFrom ?? [], cookies, options.now(), (read, reader) =>
      report(read.reason, read.cookieName, reader),
    )
    return chain(legacy, (found) => {
      // Under our name may be the old library's cookie (both default to `session`): not ours.
      if (invalid && !found?.cookies.some((cookie) => present.includes(cookie.name)))
        report(invalid)
      return found ? migrated(found, present) : session(present)
    })
  }

  function migrated(found: LegacySession, present: string[]): MaybePromise<Session<T>> {
    const payload = createEmptyPayload('', options.permanent)
    payload.data = Object.setPrototypeOf({ ...found.data }, null) as Record<string, unknown>
    const name = found.cookies[0]?.name ?? cookieName
    const refused = () => report('schema', name, found.reader)
    return chain(validated({ ok: true, payload, stale: true }, present, refused), (loaded) => {
      // Stale until its first commit, which writes it and deletes the legacy cookies (data the
      // schema refused included: it verified, but will never load).
      const state = loaded[SESSION_STATE]
      state.legacyCookies = found.cookies
      state.stale = true
      return loaded
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

  /** A migrated session's legacy cookies, deleted beside `own` (the session's own cookies). */
  const legacyDeletions = (state: SessionState, own: readonly string[], secure: boolean) =>
    state.legacyCookies
      ? deleteLegacyCookies(state.legacyCookies, { ...options.cookie, names: own }, secure)
      : []

  function commit(session: Session<T>, secureRequest: boolean): MaybePromise<string[] | undefined> {
    const state = session[SESSION_STATE]
    const decision = decideCommit(state, options.rolling, toJson)
    if (decision.action === 'none') return undefined
    if (decision.action === 'delete') {
      const lines = deletions(state.loadedCookies).concat(
        legacyDeletions(state, state.loadedCookies, secureRequest),
      )
      state.loadedCookies = []
      state.stale = false
      state.loadedJson = state.destroyed ? undefined : toJson(state.payload)
      return lines
    }
    // The id is kept only once the commit succeeds: a refused commit must leave the session as it
    // was.
    let json = decision.json
    let payload = state.payload
    if (payload.id === '') {
      payload = { ...payload, id: newId() }
      json = undefined
    }
    let token: MaybePromise<string>
    if (format.encodeJson && format.toJson) {
      json ??= toJson(payload)
      token = format.encodeJson(json, context())
    } else {
      token = format.encode(payload, context())
      json = undefined
    }
    return chain(token, (value) => written(state, payload.id, json, value, secureRequest))
  }

  function written(
    state: SessionState,
    id: string,
    json: string | undefined,
    token: string,
    secure: boolean,
  ): string[] {
    if (!secure) warnInsecure?.()
    const suffix = suffixFor(state.payload.permanent, secure)
    const chunks = splitIntoChunksAfter(cookieName, token, suffix.length)
    let size = 0
    for (const chunk of chunks) size += chunk.name.length + chunk.value.length
    if (chunks.length > maxChunks || size > maxSize) {
      throw new SessionTooLargeError(size, Math.min(maxSize, maxChunks * 4096))
    }
    // A base64url token needs no escaping: the line is name, token and the attributes serialized
    // once.
    const safe = isSafeValue(token)
    const lines = chunks.map((chunk) =>
      safe
        ? `${chunk.name}=${chunk.value}${suffix}`
        : `${serializeCookie(chunk.name, chunk.value)}${suffix}`,
    )
    const names = chunks.map((chunk) => chunk.name)
    lines.push(...deletions(state.loadedCookies.filter((name) => !names.includes(name))))
    lines.push(...legacyDeletions(state, names.concat(state.loadedCookies), secure))
    state.payload.id = id
    state.loadedCookies = names
    state.loadedJson = json ?? toJson(state.payload)
    state.isNew = false
    state.modified = false
    state.stale = false
    state.regenerated = false
    state.destroyed = false
    return lines
  }

  return { options, load, commit }
}

/**
 * In production, `secure: 'auto'` about to send the session cookie without Secure almost always
 * means a TLS-terminating proxy the framework was not told to trust: say so once, with its fix.
 */
export function insecureWarning(
  options: ResolvedSessionOptions<object>,
  hint: string | undefined,
): (() => void) | undefined {
  if (options.cookie.secure !== 'auto' || !options.production) return undefined
  const fix = hint ?? "tell the framework to trust the proxy's X-Forwarded-Proto"
  const message =
    `cookietin: the session cookie ${JSON.stringify(options.cookieName)} is being sent without ` +
    "Secure: `cookie.secure` is 'auto' and this request reached the app over plain HTTP. " +
    `Behind a proxy that terminates TLS, ${fix}. If the app really serves plain HTTP, set ` +
    '`cookie: { secure: false }` to say so.'
  return () => options.warn(message)
}
