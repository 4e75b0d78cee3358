import type { CookieJar } from '../cookie/jar.ts'
import { serializeCookie, serializeCookieDeletion } from '../cookie/serialize.ts'
import { isSafeValue } from '../cookie/validate.ts'
import { SessionTooLargeError } from '../errors.ts'
import type {
  DecodeResult,
  FormatContext,
  InvalidSessionReason,
  SessionPayload,
} from '../formats/types.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'
import { findSessionCookies, joinChunks, splitIntoChunksAfter } from './chunks.ts'
import { decideCommit } from './decide.ts'
import {
  type ResolvedSessionOptions,
  type SessionOptions,
  resolveSessionOptions,
} from './options.ts'
import {
  createEmptyPayload,
  newSessionId,
  SESSION_STATE,
  Session,
  type SessionData,
  type SessionState,
} from './session.ts'
import { timedSessionId, withRevocations } from './revocation.ts'
import { createSetCookieSuffix } from './setCookieSuffix.ts'
import { storeCodecFor } from './storeCodec.ts'

export interface SessionCodec<T extends object = SessionData> {
  readonly options: ResolvedSessionOptions<T>
  /**
   * Reads the session from the request's cookies. Never throws: a bad cookie reads as a new empty
   * session. A value on a synchronous back-end (unless the schema validates asynchronously).
   */
  load(cookies: CookieJar): MaybePromise<Session<T>>
  /**
   * The `Set-Cookie` lines the session needs now, or `undefined` when nothing changed since the last
   * commit. Throws `SessionTooLargeError` with the session left as it was, so the client keeps its
   * previous cookie. A value on a synchronous back-end.
   */
  commit(session: Session<T>, secureRequest: boolean): MaybePromise<string[] | undefined>
}

const SESSION_BINDING = 'session:'

/** Validates options and secrets now, at start-up, so a misconfiguration never waits for a request. */
export function createSessionCodec<T extends object = SessionData>(
  options: SessionOptions<T>,
): SessionCodec<T> {
  return sessionCodecFor(resolveSessionOptions(options))
}

/** Cookie sessions, revocable ones, or server-side ones, as the resolved options say. */
export function sessionCodecFor<T extends object>(
  resolved: ResolvedSessionOptions<T>,
): SessionCodec<T> {
  if (resolved.store) return storeCodecFor(resolved, resolved.store)
  const codec = codecFor(resolved)
  const { revocations, userKey } = resolved
  return revocations && userKey !== undefined ? withRevocations(codec, revocations, userKey) : codec
}

/** The codec for options already resolved (the handler shares them with its cookie jars). */
function codecFor<T extends object>(options: ResolvedSessionOptions<T>): SessionCodec<T> {
  const { cookieName, format, maxChunks, maxSize, schema } = options
  // With revocations, an id records when it was made, to compare with its user's last revocation.
  const newId = options.revocations
    ? () => timedSessionId(options.random, options.now())
    : () => newSessionId(options.random)
  const context = (): FormatContext => ({
    // Bound into the MAC under a name no cookie can have (':' is not a token character), so a
    // plain signed cookie can never be replayed as a session.
    name: SESSION_BINDING + cookieName,
    maxAge: options.maxAge,
    now: Math.floor(options.now() / 1000),
  })
  const toJson = (payload: SessionPayload): string =>
    format.toJson ? format.toJson(payload) : JSON.stringify(payload)
  const suffixFor = createSetCookieSuffix(options)

  const report = (reason: InvalidSessionReason) => {
    try {
      options.onInvalid?.({ reason, cookieName })
    } catch {
      // A logging hook must not turn a bad cookie into a failed request.
    }
  }

  const session = (
    loadedCookies: string[],
    loaded?: { payload: SessionPayload; json: string; stale: boolean },
  ) => {
    const state: SessionState = {
      payload: loaded?.payload ?? createEmptyPayload('', options.permanent),
      loadedJson: loaded?.json,
      stale: loaded?.stale ?? false,
      isNew: loaded === undefined,
      modified: false,
      writes: 0,
      accessed: false,
      regenerated: false,
      destroyed: false,
      loadedCookies,
      commit: undefined,
    }
    return new Session<T>(state, newId)
  }

  function validated(
    decoded: DecodeResult & { ok: true },
    present: string[],
  ): MaybePromise<Session<T>> {
    const { payload } = decoded
    if (!schema) {
      // The token's own JSON when the format gives it: no serializing here.
      const json = decoded.json !== undefined && format.toJson ? decoded.json : toJson(payload)
      return session(present, { payload, json, stale: decoded.stale })
    }
    return chain(schema['~standard'].validate(payload.data), (result) => {
      if (result.issues) {
        report('schema')
        return session(present)
      }
      payload.data = Object.setPrototypeOf({ ...(result.value as object) }, null) as Record<
        string,
        unknown
      >
      return session(present, { payload, json: toJson(payload), stale: decoded.stale })
    })
  }

  function load(jar: CookieJar): MaybePromise<Session<T>> {
    const cookies = jar.all()
    const present = findSessionCookies(cookies, cookieName)
    if (present.length === 0) return session(present)
    const value = joinChunks(cookies, cookieName, maxChunks)
    if (value === undefined) return session(present)
    return chain(format.decode(value, context()), (decoded) => {
      if (decoded.ok) return validated(decoded, present)
      report(decoded.reason)
      return session(present)
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

  function commit(session: Session<T>, secureRequest: boolean): MaybePromise<string[] | undefined> {
    const state = session[SESSION_STATE]
    const decision = decideCommit(state, options.rolling, toJson)
    if (decision.action === 'none') return undefined
    if (decision.action === 'delete') {
      const lines = deletions(state.loadedCookies)
      state.loadedCookies = []
      state.loadedJson = state.destroyed ? undefined : toJson(state.payload)
      return lines
    }
    // The id is kept only once the commit succeeds: a refused commit must leave the session as it was.
    let json = decision.json
    let payload = state.payload
    if (payload.id === '') {
      payload = { ...payload, id: newId() }
      json = undefined
    }
    let token: MaybePromise<string>
    if (format.encodeJson && format.toJson) {
      json ??= format.toJson(payload)
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
    const suffix = suffixFor(state.payload.permanent, secure)
    const chunks = splitIntoChunksAfter(cookieName, token, suffix.length)
    let size = 0
    for (const chunk of chunks) size += chunk.name.length + chunk.value.length
    if (chunks.length > maxChunks || size > maxSize) {
      throw new SessionTooLargeError(size, Math.min(maxSize, maxChunks * 4096))
    }
    // A base64url token needs no escaping: the line is name, token and the attributes serialized once.
    const safe = isSafeValue(token)
    const lines = chunks.map((chunk) =>
      safe
        ? `${chunk.name}=${chunk.value}${suffix}`
        : `${serializeCookie(chunk.name, chunk.value)}${suffix}`,
    )
    const names = chunks.map((chunk) => chunk.name)
    lines.push(...deletions(state.loadedCookies.filter((name) => !names.includes(name))))
    state.payload.id = id
    state.loadedCookies = names
    state.loadedJson = json ?? toJson(state.payload)
    state.isNew = false
    state.modified = false
    state.stale = false
    state.regenerated = false
    return lines
  }

  return { options, load, commit }
}
