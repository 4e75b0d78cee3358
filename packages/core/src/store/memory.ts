import type { SessionStore, StoreWrite, UserSessions } from './types.ts'

export interface MemoryStoreOptions {
  /**
   * Most sessions kept; past it the least recently used one is dropped, so a flood of new sessions
   * cannot exhaust the process's memory.
   * @default 10000
   */
  maxSessions?: number
  /** Where the production warning goes. @default console.warn */
  warn?: (message: string) => void
  /**
   * Seconds a per-user revocation is remembered: at least the longest session lifetime.
   * @default 34560000 (400 days, the longest a browser keeps a cookie)
   */
  revocationTtl?: number
  /** Clock in Unix milliseconds; override only in tests. @default Date.now */
  now?: () => number
}

interface Entry {
  fields: Map<string, string>
  /** Unix ms. */
  expires: number
}

let warnedInProduction = false

/**
 * Read as an optional property of `globalThis`: Node, Bun and Deno have it, browsers and workers
 * not.
 */
type RuntimeGlobals = { readonly ['process']?: { env?: Record<string, string | undefined> } }

function isProduction(): boolean {
  return (globalThis as RuntimeGlobals).process?.env?.['NODE_ENV'] === 'production'
}

/**
 * Sessions in this process's memory: for tests and single-process development. Sessions end when
 * the process does and are not shared between processes, so it warns once under
 * `NODE_ENV=production`.
 */
export class MemoryStore implements SessionStore, UserSessions {
  readonly #sessions = new Map<string, Entry>()
  /** user -> (id -> expiry) */
  readonly #users = new Map<string, Map<string, number>>()
  readonly #revoked = new Map<string, { time: number; except?: string; expires: number }>()
  readonly #max: number
  readonly #now: () => number
  readonly #revocationTtl: number

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxSessions ?? 10_000
    if (!Number.isInteger(max) || max <= 0) {
      throw new RangeError('MemoryStore: `maxSessions` must be a positive integer')
    }
    this.#max = max
    this.#now = options.now ?? Date.now
    this.#revocationTtl = options.revocationTtl ?? 400 * 24 * 60 * 60
    if (isProduction() && !warnedInProduction) {
      warnedInProduction = true
      const warn = options.warn ?? ((message: string) => console.warn(message))
      warn(
        'cookietin: MemoryStore under NODE_ENV=production: sessions live in this server instance ' +
          'only, end when it restarts and are not shared between instances. Use a shared store such ' +
          'as @cookietin/redis.',
      )
    }
  }

  /** Sessions held now, expired ones included until they are next touched. */
  get size(): number {
    return this.#sessions.size
  }

  #live(id: string): Entry | undefined {
    const entry = this.#sessions.get(id)
    if (!entry) return undefined
    if (entry.expires <= this.#now()) {
      this.#sessions.delete(id)
      return undefined
    }
    // Re-inserted so the Map's order stays least recently used first.
    this.#sessions.delete(id)
    this.#sessions.set(id, entry)
    return entry
  }

  get(id: string): Promise<Readonly<Record<string, string>> | undefined> {
    const entry = this.#live(id)
    return Promise.resolve(entry ? Object.fromEntries(entry.fields) : undefined)
  }

  write(id: string, change: StoreWrite): Promise<boolean> {
    let entry = this.#live(id)
    if (change.create) {
      entry = { fields: new Map(), expires: this.#now() + (change.ttl ?? 0) * 1000 }
      this.#sessions.set(id, entry)
      this.#evict()
    } else if (!entry) {
      return Promise.resolve(false)
    }
    for (const name of change.remove) entry.fields.delete(name)
    for (const [name, value] of Object.entries(change.set)) entry.fields.set(name, value)
    if (change.ttl !== undefined) entry.expires = this.#now() + change.ttl * 1000
    if (change.user) {
      if (change.user.before !== null) this.#users.get(change.user.before)?.delete(id)
      if (change.user.now !== null) {
        let ids = this.#users.get(change.user.now)
        if (!ids) this.#users.set(change.user.now, (ids = new Map()))
        ids.set(id, entry.expires)
      }
    }
    return Promise.resolve(true)
  }

  destroy(id: string, user: string | null): Promise<void> {
    this.#sessions.delete(id)
    if (user !== null) this.#users.get(user)?.delete(id)
    return Promise.resolve()
  }

  listSessions(user: string): Promise<string[]> {
    const ids = this.#users.get(user)
    if (!ids) return Promise.resolve([])
    const live: string[] = []
    for (const id of ids.keys()) {
      if ((this.#sessions.get(id)?.expires ?? 0) > this.#now()) live.push(id)
      else ids.delete(id)
    }
    return Promise.resolve(live)
  }

  async revokeSessions(user: string, options: { except?: string } = {}): Promise<number> {
    const now = this.#now()
    const revocation: { time: number; except?: string; expires: number } = {
      time: now,
      expires: now + this.#revocationTtl * 1000,
    }
    if (options.except !== undefined) revocation.except = options.except
    this.#revoked.delete(user)
    this.#revoked.set(user, revocation)
    // Bounded like the sessions: the oldest revocations go first.
    for (const name of this.#revoked.keys()) {
      if (this.#revoked.size <= this.#max) break
      this.#revoked.delete(name)
    }
    let count = 0
    for (const id of await this.listSessions(user)) {
      if (id === options.except) continue
      this.#sessions.delete(id)
      this.#users.get(user)?.delete(id)
      count++
    }
    return count
  }

  revokedBefore(user: string): Promise<{ time: number; except?: string } | undefined> {
    const revocation = this.#revoked.get(user)
    if (!revocation) return Promise.resolve(undefined)
    if (revocation.expires < this.#now()) {
      this.#revoked.delete(user)
      return Promise.resolve(undefined)
    }
    const { time, except } = revocation
    return Promise.resolve(except === undefined ? { time } : { time, except })
  }

  #evict(): void {
    for (const id of this.#sessions.keys()) {
      if (this.#sessions.size <= this.#max) return
      this.#sessions.delete(id)
    }
  }
}
