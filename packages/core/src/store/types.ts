/**
 * The contract between sessions and a server-side store (the memory store here,
 * `@cookietin/redis`). A stored session is a flat record of string fields, so a store can apply one
 * request's changes field by field (a Redis hash): two requests that change different keys both
 * persist.
 */

/** One commit's changes to a stored session, applied atomically. */
export interface StoreWrite {
  /** Fields to set, name to value. */
  readonly set: Readonly<Record<string, string>>
  /** Fields to remove. */
  readonly remove: readonly string[]
  /**
   * Create the record, replacing whatever the id held. Otherwise the write applies only if the
   * record still exists, so a request running while its session is revoked never brings it back.
   */
  readonly create: boolean
  /** Seconds the record lives from now; absent keeps its current expiry. */
  readonly ttl?: number
  /**
   * The session's user, when it changed: the per-user index moves the id from `before` to `now`.
   */
  readonly user?: { readonly now: string | null; readonly before: string | null }
}

/** Where server-side sessions live. Every method may reject; the session layer adds the timeout. */
export interface SessionStore {
  /** The record under `id`, or `undefined` when there is none (never created, expired, revoked). */
  get(id: string): Promise<Readonly<Record<string, string>> | undefined>
  /** Applies `write`; false when the record no longer exists and `write.create` is false. */
  write(id: string, write: StoreWrite): Promise<boolean>
  /** Deletes the record, and the id from `user`'s index. */
  destroy(id: string, user: string | null): Promise<void>
}

/** Per-user listing and revocation (a "your devices" page, "log out everywhere"). */
export interface UserSessions {
  /** Ids of `user`'s live stored sessions. */
  listSessions(user: string): Promise<string[]>
  /**
   * Revokes every session of `user` except the one whose id is `except`: stored sessions are
   * deleted, and cookie sessions created before now read as new from then on. Returns how many
   * stored sessions were deleted.
   */
  revokeSessions(user: string, options?: { except?: string }): Promise<number>
  /**
   * The last revocation of `user`: sessions created before `time` (Unix ms), except `except`, are
   * no longer valid. Checked on load for cookie sessions.
   */
  revokedBefore(user: string): Promise<{ time: number; except?: string } | undefined>
}
