import type { CookieJar } from '../cookie/jar.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'
import { callStore } from '../store/call.ts'
import type { UserSessions } from '../store/types.ts'
import type { SessionCodec } from './codec.ts'
import { createEmptyPayload, newSessionId, SESSION_STATE, type Session } from './session.ts'

/**
 * A session id that records when it was made (Unix ms, base 36, then 128 random bits), so a cookie
 * session can be checked against its user's last revocation without storing anything per session.
 */
export function timedSessionId(random: (buffer: Uint8Array) => Uint8Array, now: number): string {
  return `${now.toString(36)}-${newSessionId(random)}`
}

/** When a `timedSessionId` was made; `undefined` for any other id (older than revocations). */
function sessionCreatedAt(id: string): number | undefined {
  const match = /^([0-9a-z]{1,11})-[0-9a-f]{32}$/.exec(id)
  return match ? Number.parseInt(match[1] as string, 36) : undefined
}

/**
 * Cookie sessions revocable per user: after loading, a session whose `userKey` names a user is
 * checked against that user's last revocation, and reads as new when it was made before it.
 */
export function withRevocations<T extends object>(
  codec: SessionCodec<T>,
  revocations: UserSessions,
  userKey: string,
): SessionCodec<T> {
  const { options } = codec
  const check = (session: Session<T>): MaybePromise<Session<T>> => {
    const state = session[SESSION_STATE]
    const user = state.payload.data[userKey]
    if (typeof user !== 'string' || user === '') return session
    return callStore('reading revocations', options.storeTimeout, () =>
      revocations.revokedBefore(user),
    ).then((revocation) => {
      if (!revocation || state.payload.id === revocation.except) return session
      const created = sessionCreatedAt(state.payload.id)
      // Made in the revocation's own millisecond counts as before it: a session the revocation may
      // have been meant for stays revoked, at the cost of a login made in that millisecond.
      if (created !== undefined && created > revocation.time) return session
      try {
        options.onInvalid?.({ reason: 'revoked', cookieName: options.cookieName, kind: 'session' })
      } catch {
        // A logging hook must not fail the request.
      }
      // Read as a new session; its cookie stays until the session is written again.
      state.payload = createEmptyPayload('', options.permanent)
      state.loadedJson = undefined
      state.isNew = true
      state.stale = false
      return session
    })
  }
  return {
    options,
    load: (jar: CookieJar) => chain(codec.load(jar), check),
    commit: (session, secure) => codec.commit(session, secure),
  }
}
