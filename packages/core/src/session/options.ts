import type { CryptoBackend } from '../crypto/backend.ts'
import type { Secret } from '../crypto/keyring.ts'
import type { CookieOptions } from '../cookie/index.ts'
import type { StandardSchemaV1 } from './standardSchema.ts'
import type { InvalidSessionReason, SessionFormatFactory } from './types.ts'

export interface SessionCookieOptions
  extends Pick<CookieOptions, 'domain' | 'path' | 'httpOnly' | 'sameSite' | 'partitioned' | 'priority'> {
  /**
   * `'auto'` sets Secure when the request came over HTTPS, as the adapter's framework reports it
   * (Express `req.secure` with `trust proxy`, Koa `ctx.secure` with `app.proxy`, Hono the request URL).
   * @default 'auto'
   */
  secure?: boolean | 'auto'
}

export interface InvalidSessionEvent {
  /** Why the cookie was ignored. */
  reason: InvalidSessionReason
  cookieName: string
}

export interface SessionOptions<T extends object = Record<string, unknown>> {
  /**
   * Secrets, newest first: the newest signs or seals, every one verifies. Each must be at least 32 bytes
   * (`openssl rand -base64 32`). Rotate by putting a new secret in front; drop the old one a lifetime later.
   * @example secrets: [process.env.SESSION_SECRET_NEW, process.env.SESSION_SECRET_OLD]
   */
  secrets: Secret | readonly Secret[]
  /**
   * `'sealed'` encrypts (AES-256-GCM): nobody can read or change the session. `'signed'` (HMAC-SHA256)
   * leaves it readable by the user but unchangeable, like Flask. Or a format factory, such as `flask`
   * from `@cookietin/core/flask`.
   * @default 'sealed'
   */
  format?: 'sealed' | 'signed' | SessionFormatFactory
  /** @default 'session' */
  cookieName?: string
  /**
   * Lifetime in seconds, authenticated inside the cookie so the server enforces it whatever the browser
   * keeps. Permanent sessions also send it as Max-Age (capped at 400 days).
   * @default 1209600 (14 days)
   */
  maxAge?: number
  /**
   * Whether new sessions outlive the browser (Max-Age). Each session can change it with `session.permanent`.
   * @default false (as in Flask)
   */
  permanent?: boolean
  /** Re-send the cookie on every response that read the session, renewing its lifetime. @default false */
  rolling?: boolean
  /** Attributes of the session cookie. @default { path: '/', httpOnly: true, sameSite: 'Lax', secure: 'auto' } */
  cookie?: SessionCookieOptions
  /**
   * Most cookies one session may span (`name.0`, `name.1`, ...) when it outgrows one 4096-byte cookie.
   * @default 4
   */
  maxChunks?: number
  /**
   * Most bytes (names and values) of all the session's cookies together. The whole `Cookie` request
   * header must pass every server in front: Node refuses headers over 16 KB in total, nginx's default
   * `large_client_header_buffers` a header line over 8 KB. 12 KB leaves Node room for other headers;
   * behind a default nginx set 6000 or raise nginx's buffers.
   * @default 12288
   */
  maxSize?: number
  /**
   * Deflate large native sessions. Off by default: compressing secrets alongside data an attacker
   * chooses can leak them through the cookie's length.
   * @default false
   */
  compress?: boolean
  /** Standard Schema validator (zod, valibot, arktype...): data that fails it reads as an empty session. */
  schema?: StandardSchemaV1<unknown, T>
  /** Called when a request's session cookie is ignored (tampered, expired, wrong key, schema). Never throws into the request. */
  onInvalid?: (event: InvalidSessionEvent) => void
  /** Where configuration warnings go. @default console.warn */
  warn?: (message: string) => void
  /** Crypto implementation; defaults to the one chosen by the export condition. */
  backend?: CryptoBackend
  /** Random source for nonces and session ids; override only for test vectors. */
  random?: (buffer: Uint8Array) => Uint8Array
  /** Clock in Unix milliseconds; override only in tests. @default Date.now */
  now?: () => number
}
