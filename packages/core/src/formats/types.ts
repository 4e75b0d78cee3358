import type { InvalidReason } from '../crypto/envelope.ts'
import type { Keyring, Secret } from '../crypto/keyring.ts'
import type { CryptoBackend } from '../crypto/backend.ts'
import type { MaybePromise } from '../maybePromise.ts'
import type { Unstorable } from './storable.ts'

/**
 * The contract between the session codec and a wire format (native sealed and signed, Flask's):
 * what a format stores, how it is set up, what it answers. Formats import nothing from `session/`.
 */

export interface Flash {
  category: string
  message: string
}

/** What a session format stores: everything a session is, nothing about its cookie. */
export interface SessionPayload {
  /**
   * Random identity; `regenerate()` replaces it so an attacker-planted session is worth nothing
   * after login.
   */
  id: string
  data: Record<string, unknown>
  flashes: Flash[]
  permanent: boolean
}

export interface FormatContext {
  /**
   * The session cookie's name, bound into the MAC so the value cannot be moved to another cookie.
   */
  name: string
  /** Authenticated lifetime in seconds. */
  maxAge: number
  /** Unix seconds. */
  now: number
}

/**
 * Why a session cookie was ignored: a token's own reasons, one too large to read, data the schema
 * refused, or a session its user revoked.
 */
export type InvalidSessionReason = InvalidReason | 'too_large' | 'schema' | 'revoked'

export type DecodeResult =
  | {
      ok: true
      payload: SessionPayload
      /** Verified by an older key: re-issue. */
      stale: boolean
      /**
       * The payload's JSON as stored, when the format has `toJson` and this is what it gives for
       * `payload`.
       */
      json?: string
    }
  | { ok: false; reason: InvalidSessionReason }

/**
 * A wire format for sessions: the native sealed and signed ones, or Flask's
 * (`@cookietin/core/flask`).
 */
export interface SessionFormat {
  readonly name: string
  /** Largest number of cookies one session may span; Flask reads exactly one. */
  readonly maxChunks?: number
  /**
   * True when `encode`, `encodeJson` and `decode` return values, never promises (a synchronous
   * back-end).
   */
  readonly synchronous?: boolean
  encode(payload: SessionPayload, context: FormatContext): MaybePromise<string>
  /** Never throws: untrusted input. */
  decode(value: string, context: FormatContext): MaybePromise<DecodeResult>
  /**
   * Optional: the JSON the format stores for `payload`. With `encodeJson`, lets the codec detect
   * changes from the string it writes anyway instead of serializing the payload again.
   */
  toJson?(payload: SessionPayload): string
  /**
   * Optional: `encode` of the payload whose `toJson` is `json`; may return the token synchronously.
   */
  encodeJson?(json: string, context: FormatContext): MaybePromise<string>
  /**
   * Optional: the first part of `value`, about to be stored under a session key, that this format
   * cannot store (`path` names `value`, e.g. the key). Sessions call it on every write, so it must
   * walk only `value`. Without it, plain JSON is what a format stores.
   */
  findUnstorable?(value: unknown, path: string): Unstorable | undefined
}

export interface FormatSetup {
  secrets: readonly Secret[]
  /**
   * The session's keyring, derived once from `secrets`; absent when they are too short for one
   * (Flask allows it).
   */
  keyring?: Keyring
  /** The session lifetime in seconds (the codec's `maxAge`). */
  maxAge: number
  backend?: CryptoBackend
  random?: (buffer: Uint8Array) => Uint8Array
  /** Emits a configuration warning once (e.g. a short Flask secret). */
  warn: (message: string) => void
}

/**
 * Builds a format from the codec's secrets; it throws `ConfigError` for bad secrets at start-up.
 */
export type SessionFormatFactory = (setup: FormatSetup) => SessionFormat
