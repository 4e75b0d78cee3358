import type { LegacySessionReader } from '../session/legacy.ts'
import type { LegacyCookieOptions } from './common.ts'
import type { KeygripAlgorithm, KeygripKey } from './keygrip.ts'
import { createKeygripSessionReader } from './keygripSession.ts'

/** cookie-session's options as the Express app passed them (what reading and deleting need). */
export interface CookieSessionOptions extends LegacyCookieOptions {
  /** The cookie's name; its signature is `<name>.sig`. @default 'session' */
  name?: string
  /** cookie-session's `keys`, newest first: every one verifies. For a `Keygrip`, its keys. */
  keys?: readonly KeygripKey[]
  /** cookie-session's `secret`, the single key used when `keys` is not given. */
  secret?: KeygripKey
  /** For `keys: new Keygrip(keys, algorithm)`: its algorithm. @default 'sha1' */
  algorithm?: KeygripAlgorithm
}

/**
 * Reads cookie-session's (Express) cookie: base64 JSON of `req.session` in `name`, signed by
 * keygrip in `name.sig`. cookie-session keeps no expiry inside the cookie: one that verifies is
 * read whatever its age, as cookie-session did.
 *
 * @example
 * app.use(cookietin({ secrets, migrateFrom: cookieSession({ keys: ['old key'] }) }))
 */
export function cookieSession(options: CookieSessionOptions): LegacySessionReader {
  return createKeygripSessionReader({
    reader: 'cookie-session',
    name: options.name ?? 'session',
    nameOption: 'name',
    keys: options.keys ?? (options.secret === undefined ? undefined : [options.secret]),
    algorithm: options.algorithm,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    accept: (json) => json,
  })
}
