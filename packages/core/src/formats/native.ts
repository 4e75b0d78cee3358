import type { OpenResult, SealOptions } from '../crypto/envelope.ts'
import { createKeyring, type Keyring } from '../crypto/keyring.ts'
import { sealValueMaybe, unsealValueMaybe } from '../crypto/seal.ts'
import { signValueMaybe, verifyValueMaybe } from '../crypto/sign.ts'
import { type MaybePromise, chain } from '../maybePromise.ts'
import { MAX_SESSION_DEPTH, nestsDeeperThan } from './jsonDepth.ts'
import { findUnstorable, plainJsonRules } from './storable.ts'
import type {
  DecodeResult,
  Flash,
  FormatContext,
  FormatSetup,
  SessionFormat,
  SessionPayload,
} from './types.ts'

/**
 * The JSON inside a native session token (docs/format.md):
 *   {"i": id, "d": data, "f"?: [[category, message], ...], "p"?: 1}
 */
interface WirePayload {
  i: string
  d: Record<string, unknown>
  f?: [string, string][]
  p?: 1
}

/**
 * Throws `RangeError` for data nested deeper than `MAX_SESSION_DEPTH` (the reader would refuse it)
 * and whatever `JSON.stringify` throws (a cycle, a `bigint`).
 */
function payloadToJson(payload: SessionPayload): string {
  const wire: WirePayload = { i: payload.id, d: payload.data }
  if (payload.flashes.length > 0) wire.f = payload.flashes.map((f) => [f.category, f.message])
  if (payload.permanent) wire.p = 1
  const json = JSON.stringify(wire)
  if (nestsDeeperThan(json, MAX_SESSION_DEPTH)) {
    throw new RangeError(
      `Session data nests deeper than ${MAX_SESSION_DEPTH - 1} levels, which no session can read back`,
    )
  }
  return json
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function jsonToPayload(json: string): SessionPayload | undefined {
  if (nestsDeeperThan(json, MAX_SESSION_DEPTH)) return undefined
  let wire: unknown
  try {
    wire = JSON.parse(json)
  } catch {
    return undefined
  }
  if (!isRecord(wire) || typeof wire['i'] !== 'string' || !isRecord(wire['d'])) return undefined
  const flashes: Flash[] = []
  const rawFlashes = wire['f']
  if (rawFlashes !== undefined) {
    if (!Array.isArray(rawFlashes)) return undefined
    for (const entry of rawFlashes) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
        return undefined
      }
      flashes.push({ category: entry[0], message: entry[1] })
    }
  }
  // JSON.parse makes `__proto__` an own key, never a prototype; a null prototype keeps it that way.
  const data = Object.setPrototypeOf(wire['d'], null) as Record<string, unknown>
  return { id: wire['i'], data, flashes, permanent: wire['p'] === 1 }
}

type Encoder = (
  keyring: Keyring,
  name: string,
  value: string,
  options: SealOptions,
) => MaybePromise<string>
type Decoder = (
  keyring: Keyring,
  name: string,
  token: string,
  options: { now: number },
) => MaybePromise<OpenResult>

function decoded(opened: OpenResult): DecodeResult {
  if (!opened.ok) return opened
  const payload = jsonToPayload(opened.value)
  // The token's JSON is what `payloadToJson` wrote for this payload: the codec's change detection
  // compares against it rather than serializing the loaded payload once more.
  return payload
    ? { ok: true, payload, stale: opened.stale, json: opened.value }
    : { ok: false, reason: 'malformed' }
}

/** A session value sits at level 3 of the token's JSON: `{"d": {key: value}}`. */
export const storableAsJson = (value: unknown, path: string) =>
  findUnstorable(value, path, 3, plainJsonRules)

function nativeFormat(name: 'sealed' | 'signed', encode: Encoder, decode: Decoder) {
  return (setup: FormatSetup, compress = false): SessionFormat => {
    const keyring =
      setup.keyring ?? createKeyring(setup.secrets, setup.backend ? { backend: setup.backend } : {})
    const encodeJson = (json: string, context: FormatContext) =>
      encode(keyring, context.name, json, { maxAge: context.maxAge, now: context.now, compress })
    return {
      name,
      synchronous: keyring.backend.synchronous === true,
      encode: (payload, context) => encodeJson(payloadToJson(payload), context),
      decode: (value, context) =>
        chain(decode(keyring, context.name, value, { now: context.now }), decoded),
      toJson: payloadToJson,
      encodeJson,
      findUnstorable: storableAsJson,
    }
  }
}

/** AES-256-GCM: nobody without the key can read or change the session. The default. */
export const sealedFormat = nativeFormat('sealed', sealValueMaybe, unsealValueMaybe)
/**
 * HMAC-SHA256: anyone can read the session (it is encoded, not encrypted); nobody can change it.
 */
export const signedFormat = nativeFormat('signed', signValueMaybe, verifyValueMaybe)
