import type { Secret } from '../crypto/keyring.ts'
import type { CryptoBackend } from '../crypto/backend.ts'

export interface Flash {
  category: string
  message: string
}

/** What a session format stores: everything a session is, nothing about its cookie. */
export interface SessionPayload {
  /** Random identity; `regenerate()` replaces it so an attacker-planted session is worth nothing after login. */
  id: string
  data: Record<string, unknown>
  flashes: Flash[]
  permanent: boolean
}

export interface FormatContext {
  /** The session cookie's name, bound into the MAC so the value cannot be moved to another cookie. */
  name: string
  /** Authenticated lifetime in seconds. */
  maxAge: number
  /** Unix seconds. */
  now: number
}

export type InvalidSessionReason =
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_kind'
  | 'too_large'
  | 'schema'

export type DecodeResult =
  | {
      ok: true
      payload: SessionPayload
      /** Verified by an older key: re-issue. */
      stale: boolean
      /** The payload's JSON as stored, when the format has `toJson` and this is what it gives for `payload`. */
      json?: string
    }
  | { ok: false; reason: InvalidSessionReason }

/** A wire format for sessions: the native sealed and signed ones, or Flask's (`@cookietin/core/flask`). */
export interface SessionFormat {
  readonly name: string
  /** Largest number of cookies one session may span; Flask reads exactly one. */
  readonly maxChunks?: number
  encode(payload: SessionPayload, context: FormatContext): Promise<string>
  /** Never throws: untrusted input. */
  decode(value: string, context: FormatContext): Promise<DecodeResult>
  /**
   * Optional: the JSON the format stores for `payload`. With `encodeJson`, lets the codec detect
   * changes from the string it writes anyway instead of serializing the payload again.
   */
  toJson?(payload: SessionPayload): string
  /** Optional: `encode` of the payload whose `toJson` is `json`; may return the token synchronously. */
  encodeJson?(json: string, context: FormatContext): string | Promise<string>
}

export interface FormatSetup {
  secrets: readonly Secret[]
  /** The session lifetime in seconds (the codec's `maxAge`). */
  maxAge: number
  backend?: CryptoBackend
  random?: (buffer: Uint8Array) => Uint8Array
  /** Emits a configuration warning once (e.g. a short Flask secret). */
  warn: (message: string) => void
}

/** Builds a format from the codec's secrets; it throws `ConfigError` for bad secrets at start-up. */
export type SessionFormatFactory = (setup: FormatSetup) => SessionFormat
