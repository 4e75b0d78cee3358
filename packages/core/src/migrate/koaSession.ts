import type { LegacySessionReader } from '../session/legacy.ts'
import type { LegacyCookieOptions } from './common.ts'
import type { KeygripAlgorithm, KeygripKey } from './keygrip.ts'
import { createKeygripSessionReader } from './keygripSession.ts'

/** koa-session's options, plus the app's `keys` (only what reading and deleting need). */
export interface KoaSessionOptions extends LegacyCookieOptions {
  /** koa-session's `key`, the cookie's name; its signature is `<key>.sig`. @default 'koa.sess' */
  key?: string
  /** The Koa app's `app.keys`, newest first: every one verifies. */
  keys: readonly KeygripKey[]
  /** For `app.keys = new Keygrip(keys, algorithm)`: its algorithm. @default 'sha1' */
  algorithm?: KeygripAlgorithm
}

/** koa-session's own fields in the JSON: expiry (Unix ms), lifetime (ms), browser-session flag. */
const INTERNAL = new Set(['_expire', '_maxAge', '_session'])

/**
 * Reads koa-session's cookie (the default cookie mode, `signed: true`): base64 JSON in `key`,
 * signed by keygrip with `app.keys` in `key.sig`. Its `_expire` is honoured as koa-session does;
 * `_expire`, `_maxAge` and `_session` are not session data and are dropped.
 *
 * @example
 * app.use(cookietin({ secrets, migrateFrom: koaSession({ keys: ['old app key'] }) }))
 */
export function koaSession(options: KoaSessionOptions): LegacySessionReader {
  return createKeygripSessionReader({
    reader: 'koa-session',
    name: options.key ?? 'koa.sess',
    nameOption: 'key',
    keys: options.keys,
    algorithm: options.algorithm,
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    accept: (json, now) => {
      const expire = json['_expire']
      // koa-session: `value._expire && value._expire < Date.now()`.
      if (typeof expire === 'number' && expire < now) return 'expired'
      const data = Object.create(null) as Record<string, unknown>
      for (const [key, value] of Object.entries(json)) if (!INTERNAL.has(key)) data[key] = value
      return data
    },
  })
}
