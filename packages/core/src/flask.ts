/**
 * `@cookietin/core/flask`: read and write Flask's own session cookies, so a Flask app and a Node app on
 * one domain share one login. Its own entry point: apps that do not need it do not ship it.
 *
 * @example
 * import { flask } from '@cookietin/core/flask'
 * createSessionHandler({ secrets: [process.env.FLASK_SECRET_KEY], format: flask(), maxAge: 2678400 })
 */
import { ConfigError } from './errors.ts'
import { createFlaskCodecMaybe } from './formats/flask/codec.ts'
import { encodeTaggedJson } from './formats/flask/taggedJson.ts'
import { flaskRules } from './formats/flask/storable.ts'
import { FlaskTuple } from './formats/flask/values.ts'
import { findUnstorable } from './formats/storable.ts'
import type { DecodeResult, Flash, SessionFormatFactory, SessionPayload } from './formats/types.ts'
import { chain } from './maybePromise.ts'

export interface FlaskFormatOptions {
  /** itsdangerous salt; change it only if the Flask app overrides it. @default 'cookie-session' */
  salt?: string
  /** Seconds a cookie's timestamp may lie in the future (itsdangerous allows none). @default 60 */
  clockSkew?: number
}

const PERMANENT = '_permanent'
const FLASHES = '_flashes'

/**
 * Flask's `SecureCookieSessionInterface` as a session format: `secrets` are Flask's `SECRET_KEY` then its
 * `SECRET_KEY_FALLBACKS`, `maxAge` is its `PERMANENT_SESSION_LIFETIME` (Flask's default is 31 days:
 * pass `maxAge: 2678400`). `_permanent` and `_flashes` map onto `session.permanent` and the flash API.
 */
export function flask(options: FlaskFormatOptions = {}): SessionFormatFactory {
  return (setup) => {
    const secrets = setup.secrets.map((secret, index) => {
      if (typeof secret !== 'string') {
        throw new ConfigError(
          'INVALID_OPTION',
          `Flask secret #${index} must be a string, as Flask's SECRET_KEY`,
        )
      }
      return secret
    })
    const codec = createFlaskCodecMaybe({
      secrets,
      maxAge: setup.maxAge,
      backend: setup.backend,
      salt: options.salt,
      clockSkew: options.clockSkew,
      warn: setup.warn,
    })
    // Flask's tagged JSON of the session dict: what the cookie stores, and what change detection
    // compares (plain JSON.stringify would throw on the bigints Flask's ints beyond 2^53 become).
    const toJson = (payload: SessionPayload) => {
      const value: Record<string, unknown> = Object.create(null)
      for (const key of Object.keys(payload.data)) value[key] = payload.data[key]
      if (payload.permanent) value[PERMANENT] = true
      if (payload.flashes.length > 0) {
        value[FLASHES] = payload.flashes.map(
          (flash) => new FlaskTuple(flash.category, flash.message),
        )
      }
      return encodeTaggedJson(value)
    }
    return {
      name: 'flask',
      // Flask reads exactly one cookie.
      maxChunks: 1,
      synchronous: codec.backend.synchronous === true,
      toJson,
      // A session value sits at level 2 of Flask's JSON: `{key: value}`.
      findUnstorable: (value, path) => findUnstorable(value, path, 2, flaskRules),
      encodeJson: (json, context) => codec.dumpsJson(json, context.now),
      encode: (payload, context) => codec.dumpsJson(toJson(payload), context.now),
      decode: (cookie, context) =>
        chain(codec.loads(cookie, context.now), (result): DecodeResult => {
          if (!result.ok)
            return {
              ok: false,
              reason: result.reason === 'future' ? 'not_yet_valid' : result.reason,
            }
          const { value } = result
          const flashes: Flash[] = []
          const stored = value[FLASHES]
          if (Array.isArray(stored)) {
            for (const entry of stored) {
              if (
                Array.isArray(entry) &&
                typeof entry[0] === 'string' &&
                typeof entry[1] === 'string'
              ) {
                flashes.push({ category: entry[0], message: entry[1] })
              }
            }
          }
          const permanent = value[PERMANENT] === true
          delete value[FLASHES]
          delete value[PERMANENT]
          // Flask sessions carry no identity; one is made if the app asks for it.
          return {
            ok: true,
            payload: { id: '', data: value, flashes, permanent },
            stale: result.keyIndex > 0,
          }
        }),
    }
  }
}

export {
  createFlaskCodec,
  FLASK_DEFAULT_MAX_AGE,
  type FlaskCodec,
  type FlaskCodecOptions,
  type FlaskLoadFailure,
  type FlaskLoadResult,
} from './formats/flask/codec.ts'
export { FlaskTuple, FlaskUUID, isFlaskTuple, isFlaskUUID, Markup } from './formats/flask/values.ts'
