export {
  CookieError,
  ConfigError,
  CookietinError,
  SessionTooLargeError,
  UnstorableValueError,
  StoreUnavailableError,
  isCookietinError,
  middlewareNotRun,
  type CookieErrorCode,
  type ConfigErrorCode,
  type CookietinErrorCode,
  type SessionErrorCode,
  type StoreErrorCode,
} from './errors.ts'
export * from './cookie/index.ts'
export {
  CookieJar,
  type CookieJarOptions,
  type JarCookieOptions,
  type GetSignedOptions,
  type SignedCookie,
  type InvalidSignedCookieEvent,
} from './cookie/jar.ts'
export { encodeBase64Url, decodeBase64Url } from './crypto/base64url.ts'
export type {
  CryptoBackend,
  Hmac,
  AesGcm,
  HashAlgorithm,
  CompressionFormat,
} from './crypto/backend.ts'
export {
  createKeyring,
  MIN_SECRET_BYTES,
  type Keyring,
  type KeyringOptions,
  type LoadedKeys,
  type Secret,
  type DerivedKey,
} from './crypto/keyring.ts'
export type { OpenResult, InvalidReason, SealOptions, VerifyOptions } from './crypto/envelope.ts'
export { signValue, verifyValue } from './crypto/sign.ts'
export { sealValue, unsealValue } from './crypto/seal.ts'
export { Session, type SessionData } from './session/session.ts'
export type {
  SessionOptions,
  SessionCookieOptions,
  InvalidSessionEvent,
} from './session/options.ts'
export type { StandardSchemaV1 } from './session/standardSchema.ts'
export type {
  LegacyCookie,
  LegacyReadResult,
  LegacySessionReader,
} from './session/legacy.ts'
export type {
  Flash,
  SessionPayload,
  SessionFormat,
  SessionFormatFactory,
  FormatSetup,
  FormatContext,
  DecodeResult,
  InvalidSessionReason,
} from './formats/types.ts'
export type { Unstorable } from './formats/storable.ts'
export { createSessionCodec, type SessionCodec } from './session/codec.ts'
export { MemoryStore, type MemoryStoreOptions } from './store/memory.ts'
export type { SessionStore, StoreWrite, UserSessions } from './store/types.ts'
export { resolveSessionOptions, type ResolvedSessionOptions } from './session/options.ts'
export {
  createSessionHandler,
  type SessionHandler,
  type AdapterInfo,
  type DeclaredSessionData,
} from './session/handler.ts'
export {
  RequestScope,
  commitSession,
  type RequestInfo,
  type ScopeResult,
} from './session/scope.ts'
export { guardUntilAttached } from './session/missingMiddleware.ts'
export { assignSession } from './session/assign.ts'
export { isPromise, type MaybePromise } from './maybePromise.ts'
export { varyWithCookie } from './vary.ts'
