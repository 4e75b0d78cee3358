/**
 * `@cookietin/core/migrate`: readers of the session cookies of the libraries apps move from, for
 * the `migrateFrom` session option. A request whose legacy cookie verifies keeps its session: the
 * response deletes the old cookies and writes a cookietin one. Its own entry point: apps that do
 * not migrate do not ship it. Web Crypto only (`crypto.subtle`), on every runtime core supports.
 *
 * @example
 * import { cookieSession } from '@cookietin/core/migrate'
 * app.use(cookietin({ secrets, migrateFrom: cookieSession({ keys: [process.env.OLD_KEY!] }) }))
 */
export { cookieSession, type CookieSessionOptions } from './migrate/cookieSession.ts'
export { koaSession, type KoaSessionOptions } from './migrate/koaSession.ts'
export { ironSession, type IronSessionOptions } from './migrate/ironSession.ts'
export type { LegacyCookieOptions } from './migrate/common.ts'
export type { KeygripAlgorithm, KeygripKey } from './migrate/keygrip.ts'
export type {
  LegacyCookie,
  LegacyReadResult,
  LegacySessionReader,
} from './session/legacy.ts'
