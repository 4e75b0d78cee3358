/**
 * `SESSION_STORE`: which server-side store the apps use, made once per configuration and closed with
 * the server. `memory` is core's `MemoryStore`; `redis://...` an ioredis client on `RedisStore`.
 */
import { MemoryStore, type SessionStore, type UserSessions } from '@cookietin/core'
import { RedisStore } from '@cookietin/redis'
import { Redis } from 'ioredis'
import type { SiteConfig } from './config.ts'

export type SiteStore = SessionStore & UserSessions

interface Opened {
  store: SiteStore
  /** Settles once connected, or after `STORE_TIMEOUT` when Redis is down (the app starts anyway). */
  ready: Promise<void>
  close(): Promise<void>
}

const opened = new WeakMap<SiteConfig, Opened>()

/** Milliseconds a store call may take: the contract answers 503 within 10 s, commit and load included. */
export const STORE_TIMEOUT = 3000

function open(config: SiteConfig): Opened | undefined {
  const setting = config.store
  if (setting === undefined) return undefined
  if (setting === 'memory') {
    return { store: new MemoryStore(), ready: Promise.resolve(), close: () => Promise.resolve() }
  }
  // Fail fast while disconnected (no offline queue: a write must never land after its request gave
  // up) and keep reconnecting, so requests recover by themselves when Redis is back.
  const client = new Redis(setting, {
    enableOfflineQueue: false,
    connectTimeout: STORE_TIMEOUT,
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
  const ready = new Promise<void>((resolve) => {
    client.once('ready', () => resolve())
    timer = setTimeout(resolve, STORE_TIMEOUT)
  }).finally(() => clearTimeout(timer))
  return {
    store: new RedisStore(client),
    ready,
    close: async () => {
      client.disconnect()
    },
  }
}

/** The store `SESSION_STORE` names, one per configuration; `undefined` for cookie sessions. */
export function storeFor(config: SiteConfig): SiteStore | undefined {
  let entry = opened.get(config)
  if (!entry) {
    entry = open(config)
    if (!entry) return undefined
    opened.set(config, entry)
  }
  return entry.store
}

/** Resolves once the store `storeFor` opened is connected, or given up on for now. */
export function storeReady(config: SiteConfig): Promise<void> {
  return opened.get(config)?.ready ?? Promise.resolve()
}

/** Closes the store's connection, if `storeFor` opened one for this configuration. */
export async function closeStore(config: SiteConfig): Promise<void> {
  const entry = opened.get(config)
  opened.delete(config)
  await entry?.close()
}
