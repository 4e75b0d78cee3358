/**
 * The demo users, held in memory as scrypt hashes: passwords are never stored, logged or put in a
 * cookie. Verification takes the same time whether or not the user exists.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'

const KEY_BYTES = 32
/** Node's scrypt defaults (N=16384, r=8, p=1): about 50 ms per hash, 16 MB of memory. */
const SCRYPT_OPTIONS = { N: 16384, r: 8, p: 1 } as const

/** `alice` / `wonderland` and `bob` / `builder`, as docs/contract.md lists them. */
export const DEMO_USERS: Readonly<Record<string, string>> = Object.freeze({
  alice: 'wonderland',
  bob: 'builder',
})

interface StoredUser {
  salt: Buffer
  hash: Buffer
}

export interface UserStore {
  /**
   * The username when `password` is right for it, else `null`. Never throws, whatever the input.
   */
  verify(username: unknown, password: unknown): Promise<string | null>
  /** Whether a user of that name exists. */
  has(username: string): boolean
}

function hash(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, SCRYPT_OPTIONS, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

/**
 * Hashes each password now (at start-up) with its own random salt, and forgets the password.
 * @param users username → password
 */
export function createUserStore(users: Readonly<Record<string, string>> = DEMO_USERS): UserStore {
  const stored = new Map<string, StoredUser>()
  for (const [name, password] of Object.entries(users)) {
    const salt = randomBytes(16)
    stored.set(name, { salt, hash: scryptSync(password, salt, KEY_BYTES, SCRYPT_OPTIONS) })
  }
  // Unknown users are checked against this, so their answer takes as long as a known user's.
  const decoy: StoredUser = { salt: randomBytes(16), hash: randomBytes(KEY_BYTES) }

  return {
    has: (username) => stored.has(username),
    async verify(username, password) {
      if (typeof username !== 'string' || typeof password !== 'string') return null
      const user = stored.get(username)
      const candidate = await hash(password, (user ?? decoy).salt)
      const match = timingSafeEqual(candidate, (user ?? decoy).hash)
      return match && user !== undefined ? username : null
    },
  }
}
