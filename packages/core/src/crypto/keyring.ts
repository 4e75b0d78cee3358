import { backend as defaultBackend } from '#crypto-backend'
import { ConfigError } from '../errors.ts'
import { all, isPromise, type MaybePromise, chain } from '../maybePromise.ts'
import { encodeBase64Url } from './base64url.ts'
import { distinctBytes, hasObviouslyNoEntropy } from './secretStrength.ts'
import type { AesGcm, CryptoBackend, Hmac } from './backend.ts'

/**
 * RFC 2104 and NIST SP 800-107 want a key at least as long as the hash output: 32 bytes for
 * SHA-256.
 */
export const MIN_SECRET_BYTES = 32

export type Secret = string | Uint8Array

export interface KeyringOptions {
  /** Crypto implementation; defaults to the one the `node`/`default` export condition picks. */
  backend?: CryptoBackend
  /**
   * Fills a buffer with random bytes (nonces). Override only to reproduce test vectors.
   * @default crypto.getRandomValues
   */
  random?: (buffer: Uint8Array) => Uint8Array
}

/**
 * One secret's derived keys. Sub-keys come from HKDF so the raw secret is never used by two
 * algorithms.
 */
export interface DerivedKey {
  /** Position in the ring: 0 is the newest. */
  readonly index: number
  /** Short public identifier carried in every token so verification never tries every key. */
  readonly id: string
  readonly signer: Hmac
  readonly sealer: AesGcm
}

export interface Keyring {
  readonly size: number
  readonly backend: CryptoBackend
  readonly random: (buffer: Uint8Array) => Uint8Array
  /** The newest key: it signs and seals. */
  current(): Promise<DerivedKey>
  /** The key a token names, or `undefined` when no key in the ring has that id. */
  find(id: string): Promise<DerivedKey | undefined>
  /**
   * Every derived key: at once on a synchronous back-end, and once derived on any other, so a
   * token is signed or verified without waiting whenever the crypto itself does not wait.
   */
  keys(): MaybePromise<LoadedKeys>
}

/** Every key of a ring once derived: the newest, and each by its id. */
export interface LoadedKeys {
  readonly newest: DerivedKey
  readonly byId: ReadonlyMap<string, DerivedKey>
}

const encoder = new TextEncoder()
const INFO_KEY_ID = 'cookietin/v1 key-id'
const INFO_SIGN = 'cookietin/v1 hmac-sha256'
const INFO_SEAL = 'cookietin/v1 aes-256-gcm'

function toBytes(secret: Secret): Uint8Array {
  // Always a private copy: keys are derived lazily, so a caller that later zeroes or reuses its
  // buffer (good hygiene) must not silently change, or blank, the keys this ring derives.
  return typeof secret === 'string' ? encoder.encode(secret) : Uint8Array.from(secret)
}

/**
 * Names a secret in an error without ever printing it: position, and which end of the ring it is.
 */
function nameSecret(index: number, count: number): string {
  if (count === 1) return 'The secret'
  const where =
    index === 0
      ? 'the newest'
      : index === count - 1
        ? 'the oldest'
        : `the ${ordinal(index + 1)} newest`
  return `Secret #${index} (${where} of ${count})`
}

function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`
}

function checkSecrets(secrets: readonly Secret[] | null | undefined): Uint8Array[] {
  if (secrets === null || secrets === undefined || secrets.length === 0) {
    throw new ConfigError(
      'NO_SECRET',
      'No secret given: pass at least one secret of 32 bytes or more',
    )
  }
  if (!Array.isArray(secrets)) {
    throw new ConfigError(
      'INVALID_OPTION',
      'Secrets must be a string, a Uint8Array or an array of them, newest first',
    )
  }
  const seen = new Map<string, number>()
  return secrets.map((secret: unknown, index) => {
    const which = nameSecret(index, secrets.length)
    if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
      throw new ConfigError('INVALID_OPTION', `${which} must be a string or a Uint8Array`)
    }
    const bytes = toBytes(secret)
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new ConfigError(
        'WEAK_SECRET',
        `${which} is ${bytes.length} bytes; secrets must be at least ${MIN_SECRET_BYTES} bytes (generate one with \`openssl rand -base64 32\`)`,
      )
    }
    if (hasObviouslyNoEntropy(bytes)) {
      throw new ConfigError(
        'WEAK_SECRET',
        `${which} is made of ${distinctBytes(bytes)} distinct byte values (such as a repeated character or all zeros), so it can be guessed; generate a random one with \`openssl rand -base64 32\` or \`npx @cookietin/cli secret\``,
      )
    }
    const key = encodeBase64Url(bytes)
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      throw new ConfigError(
        'DUPLICATE_SECRET',
        `${which} repeats secret #${earlier}; every secret in the ring must differ`,
      )
    }
    seen.set(key, index)
    return bytes
  })
}

/**
 * A ring of secrets, newest first. The newest signs and seals; every one verifies, so secrets can
 * be rotated by putting a new one in front and dropping the oldest later. Throws `ConfigError` at
 * once for a missing, short, repeated or obviously non-random secret (`WEAK_SECRET` for fewer than
 * 32 bytes or fewer than 8 distinct byte values).
 */
export function createKeyring(
  secrets: Secret | readonly Secret[],
  options: KeyringOptions = {},
): Keyring {
  // `null`/`undefined` reach here from untyped callers (an unset environment variable): NO_SECRET,
  // not a TypeError.
  const list = checkSecrets(
    typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets,
  )
  const backend = options.backend ?? defaultBackend
  const random = options.random ?? ((buffer: Uint8Array) => crypto.getRandomValues(buffer))

  function derive(secret: Uint8Array, index: number): MaybePromise<DerivedKey> {
    const derived = all([
      backend.hkdf(secret, INFO_KEY_ID, 6),
      backend.hkdf(secret, INFO_SIGN, 32),
      backend.hkdf(secret, INFO_SEAL, 32),
    ])
    return chain(derived, ([id, signKey, sealKey]) => {
      const signer = backend.importHmac('SHA-256', signKey as Uint8Array)
      const sealer = backend.importAesGcm(sealKey as Uint8Array)
      return chain(all<Hmac | AesGcm>([signer, sealer]), ([hmac, aes]) => ({
        index,
        id: encodeBase64Url(id as Uint8Array),
        signer: hmac as Hmac,
        sealer: aes as AesGcm,
      }))
    })
  }

  // Derived once per keyring and kept: importing a key costs far more than using it.
  let resolved: LoadedKeys | undefined
  let pending: Promise<LoadedKeys> | undefined
  const index = (keys: DerivedKey[]): LoadedKeys => {
    const byId = new Map<string, DerivedKey>()
    // A 48-bit id collision is astronomically unlikely; keep the newer key if it ever happens.
    for (const key of keys) if (!byId.has(key.id)) byId.set(key.id, key)
    resolved = { newest: keys[0] as DerivedKey, byId }
    return resolved
  }
  const keys = (): MaybePromise<LoadedKeys> => {
    if (resolved) return resolved
    if (pending) return pending
    const derived = chain(all(list.map(derive)), index)
    if (!isPromise(derived)) return derived
    // A failed derivation (a back-end that cannot run here) is not cached: the next call retries.
    pending = derived.catch((error: unknown) => {
      pending = undefined
      throw error
    })
    return pending
  }

  return {
    size: list.length,
    backend,
    random,
    async current() {
      return (await keys()).newest
    },
    async find(id) {
      return (await keys()).byId.get(id)
    },
    keys,
  }
}
