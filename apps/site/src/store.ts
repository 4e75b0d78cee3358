/**
 * `SESSION_STORE`: which server-side store the apps use, opened once per configuration and closed
 * with the server. `memory` is core's `MemoryStore`; `redis://...` an ioredis client on
 * `RedisStore`.
 */
import {
  MemoryStore,
  type SessionStore,
  StoreUnavailableError,
  type UserSessions,
} from '@cookietin/core'
import type * as RedisPackage from '@cookietin/redis'
import type * as IoRedis from 'ioredis'
import type { SiteConfig } from './config.ts'

export type SiteStore = SessionStore & UserSessions

interface Opened {
  store: SiteStore
  close(): Promise<void>
}

const opened = new WeakMap<SiteConfig, Promise<Opened | undefined>>()

/**
 * Milliseconds a store call may take: the contract answers 503 within 10 s, commit and load
 * included.
 */
export const STORE_TIMEOUT = 3000

async function openRedis(url: string): Promise<Opened> {
  // Loaded only when SESSION_STORE names Redis (variable specifiers stay out of bundles), so the
  // fetch example's runtime bundle (Bun, Deno) carries no Redis client.
  const redisPackage = '@cookietin/redis'
  const clientPackage = 'ioredis'
  const [{ RedisStore }, { Redis }] = await Promise.all([
    import(redisPackage) as Promise<typeof RedisPackage>,
    import(clientPackage) as Promise<typeof IoRedis>,
  ])
  // Fail fast while disconnected (no offline queue: a write must never land after its request gave
  // up) and keep reconnecting, so requests recover by themselves when Redis is back.
  const client = new Redis(url, {
    enableOfflineQueue: false,
    connectTimeout: STORE_TIMEOUT,
    commandTimeout: STORE_TIMEOUT,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  let lastError = ''
  client.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    if (message !== lastError) console.warn(`SESSION_STORE: ${message}`)
    lastError = message
  })
  client.on('ready', () => {
    lastError = ''
  })
  // Waited for at most STORE_TIMEOUT: an app whose Redis is down starts anyway and answers 503
  // until it is back (the client keeps reconnecting).
  let timer: ReturnType<typeof setTimeout> | undefined
  await new Promise<void>((resolve) => {
    client.once('ready', () => resolve())
    timer = setTimeout(resolve, STORE_TIMEOUT)
  }).finally(() => clearTimeout(timer))
  return {
    store: new RedisStore(client),
    close: async () => {
      client.disconnect()
    },
  }
}

async function open(config: SiteConfig): Promise<Opened | undefined> {
  const setting = config.store
  if (setting === undefined) return undefined
  if (setting === 'memory') return { store: new MemoryStore(), close: () => Promise.resolve() }
  return openRedis(setting)
}

/**
 * The store `SESSION_STORE` names, opened once per configuration; `undefined` for cookie sessions.
 */
export async function storeFor(config: SiteConfig): Promise<SiteStore | undefined> {
  let entry = opened.get(config)
  if (!entry) {
    entry = open(config)
    opened.set(config, entry)
  }
  return (await entry)?.store
}

/**
 * Revokes every session of `user` (store sessions are deleted). A store that fails is the same
 * `STORE_UNAVAILABLE` a session read would be, so the route answers 503.
 */
export async function revokeUserSessions(store: SiteStore, user: string): Promise<void> {
  try {
    await store.revokeSessions(user)
  } catch (error) {
    throw new StoreUnavailableError('The session store failed revoking sessions', { cause: error })
  }
}

/** Closes the store's connection, if `storeFor` opened one for this configuration. */
export async function closeStore(config: SiteConfig): Promise<void> {
  const entry = opened.get(config)
  opened.delete(config)
  await (await entry)?.close()
}
