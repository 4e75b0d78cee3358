/**
 * Flask's session cookie format: itsdangerous `URLSafeTimedSerializer` + Flask's tagged JSON.
 * `createFlaskCodec` is the entry point; the rest is exported for tools and tests.
 */
export {
  createFlaskCodec,
  FLASK_DEFAULT_CLOCK_SKEW,
  FLASK_DEFAULT_MAX_AGE,
  FLASK_MAX_PAYLOAD_BYTES,
  FLASK_SESSION_SALT,
  type FlaskCodec,
  type FlaskCodecOptions,
  type FlaskLoadFailure,
  type FlaskLoadResult,
} from './codec.ts'
export { formatHttpDate, parseHttpDate } from './httpDate.ts'
export {
  createTimestampSigner,
  decodePayload,
  decodeTimestamp,
  encodePayload,
  encodeTimestamp,
  type PayloadResult,
  type TimestampSigner,
  type TimestampSignerOptions,
  type UnsignResult,
} from './itsdangerous.ts'
export {
  comparePythonStrings,
  formatPythonFloat,
  type JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parsePythonJson,
  quotePythonString,
  stringifyPythonJson,
} from './pythonJson.ts'
export { decodeTaggedJson, encodeTaggedJson, TAG_KEYS, tagValue, untagValue } from './taggedJson.ts'
export { FlaskTuple, FlaskUUID, isFlaskTuple, isFlaskUUID, Markup } from './values.ts'
