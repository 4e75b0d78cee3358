import { createHash } from 'node:crypto'
import type { SessionStore, StoreWrite, UserSessions } from '@cookietin/core'
import { INDEX_SESSION, LIST_INDEX, REVOKE_USER, WRITE_SESSION } from './scripts.ts'

export type { SessionStore, UserSessions } from '@cookietin/core'

/**
 * The ioredis commands the store uses: an `ioredis` (5 or 6) or `iovalkey` client, or their
 * `Cluster`, fits as it is. Declared here, rather than imported, so the store never depends on
 * which of them, or which build, an app has.
 */
export interface RedisClientLike {
  evalsha(sha1: string, numkeys: number, ...args: string[]): Promise<unknown>
  eval(script: string, numkeys: number, ...args: string[]): Promise<unknown>
  hgetall(key: string): Promise<Record<string, string>>
  get(key: string): Promise<string | null>
  del(...keys: string[]): Promise<number>
  exists(...keys: string[]): Promise<number>
}

export interface RedisStoreOptions {
  /**
   * Prefix of every key, so several apps can share one Redis.
   * @default 'cookietin:'
   */
  prefix?: string
  /**
   * Seconds a per-user revocation is remembered: at least the longest session lifetime.
   * @default 34560000 (400 days, the longest a browser keeps a cookie)
   */
  revocationTtl?: number
  /** Clock in Unix milliseconds; override only in tests. @default Date.now */
  now?: () => number
}

/**
 * One Lua script, run by its SHA1 and loaded with EVAL the first time a server does not know it.
 */
function script(source: string) {
  const sha = createHash('sha1').update(source).digest('hex')
  return async (client: RedisClientLike, keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error
      return client.eval(source, keys.length, ...keys, ...args)
    }
  }
}

const writeSession = script(WRITE_SESSION)
const indexSession = script(INDEX_SESSION)
const revokeUser = script(REVOKE_USER)
const listIndex = script(LIST_INDEX)

/** Hash tags ({...}) put all keys of one session, and all keys of one user, in one cluster slot. */
export interface RedisKeys {
  session(id: string): string
  userIndex(user: string): string
  userRevocation(user: string): string
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    session: (id) => `${prefix}s:{${id}}`,
    userIndex: (user) => `${prefix}u:{${user}}:sessions`,
    userRevocation: (user) => `${prefix}u:{${user}}:revoked`,
  }
}

/**
 * Server-side sessions on Redis or Valkey, through the app's own ioredis (or iovalkey) client or
 * cluster (connections, TLS, auth and reconnection stay the app's). One hash per session, one field
 * per data key, written by a Lua script so a commit's changes apply atomically and only the changed
 * fields are touched.
 *
 * @example
 * const client = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false })
 * client.on('error', (error) => console.error('redis', error))
 * app.use(cookietin({ secrets, store: new RedisStore(client), userKey: 'userId' }))
 */
export class RedisStore implements SessionStore, UserSessions {
  readonly keys: RedisKeys
  readonly #client: RedisClientLike
  readonly #revocationTtl: number
  readonly #now: () => number

  constructor(client: RedisClientLike, options: RedisStoreOptions = {}) {
    if (typeof client?.evalsha !== 'function' || typeof client.hgetall !== 'function') {
      throw new TypeError('RedisStore: pass an ioredis or iovalkey client, or their Cluster')
    }
    const revocationTtl = options.revocationTtl ?? 400 * 24 * 60 * 60
    if (!Number.isInteger(revocationTtl) || revocationTtl <= 0) {
      throw new TypeError('RedisStore: `revocationTtl` must be a positive whole number of seconds')
    }
    this.#client = client
    this.keys = redisKeys(options.prefix ?? 'cookietin:')
    this.#revocationTtl = revocationTtl
    this.#now = options.now ?? Date.now
  }

  async get(id: string): Promise<Record<string, string> | undefined> {
    const record = await this.#client.hgetall(this.keys.session(id))
    for (const _ in record) return record
    return undefined
  }

  async write(id: string, change: StoreWrite): Promise<boolean> {
    const args = [
      change.create ? '1' : '0',
      change.ttl === undefined ? '' : String(change.ttl),
      String(change.remove.length),
      ...change.remove,
    ]
    for (const [field, value] of Object.entries(change.set)) args.push(field, value)
    // PTTL: -2 no such key, -1 no expiry (never written so here), else milliseconds left.
    const remaining = Number(await writeSession(this.#client, [this.keys.session(id)], args))
    if (remaining === 0 || remaining === -2) return false
    if (change.user) {
      // The user's index lives in the user's slot, so it is a second call, after the session's.
      const { before, now } = change.user
      if (before !== null) await this.#index(before, id, '')
      const lifetime = remaining > 0 ? remaining : this.#revocationTtl * 1000
      if (now !== null) await this.#index(now, id, String(this.#now() + lifetime))
    }
    return true
  }

  async destroy(id: string, user: string | null): Promise<void> {
    await this.#client.del(this.keys.session(id))
    if (user !== null) await this.#index(user, id, '')
  }

  async listSessions(user: string): Promise<string[]> {
    const ids = (await listIndex(
      this.#client,
      [this.keys.userIndex(user)],
      [String(this.#now())],
    )) as string[]
    const live = await Promise.all(
      ids.map(async (id) => (await this.#client.exists(this.keys.session(id))) === 1),
    )
    return ids.filter((_, i) => live[i])
  }

  async revokeSessions(user: string, options: { except?: string } = {}): Promise<number> {
    const revocation = JSON.stringify(
      options.except === undefined
        ? { time: this.#now() }
        : { time: this.#now(), except: options.except },
    )
    const ids = (await revokeUser(
      this.#client,
      [this.keys.userIndex(user), this.keys.userRevocation(user)],
      [String(this.#now()), revocation, String(this.#revocationTtl), options.except ?? ''],
    )) as string[]
    // Each session is in its own slot: one DEL each.
    const deleted = await Promise.all(ids.map((id) => this.#client.del(this.keys.session(id))))
    return deleted.reduce((sum, count) => sum + count, 0)
  }

  async revokedBefore(user: string): Promise<{ time: number; except?: string } | undefined> {
    const json = await this.#client.get(this.keys.userRevocation(user))
    if (json === null) return undefined
    const parsed = JSON.parse(json) as { time: number; except?: string }
    return typeof parsed.time === 'number' ? parsed : undefined
  }

  async #index(user: string, id: string, expiry: string): Promise<void> {
    await indexSession(this.#client, [this.keys.userIndex(user)], [String(this.#now()), id, expiry])
  }
}
