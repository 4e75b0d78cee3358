import type { LegacyReadResult, LegacySessionReader } from '../session/legacy.ts'
import {
  type LegacyCookieOptions,
  invalidOption,
  isNonEmptyString,
  legacyCookies,
  parseBase64Json,
} from './common.ts'
import { type KeygripAlgorithm, createKeygripVerifier } from './keygrip.ts'

/**
 * What cookie-session and koa-session share: base64 JSON in `name`, keygrip's HMAC of `name=value`
 * in `name.sig`.
 */
export interface KeygripSessionSetup extends LegacyCookieOptions {
  reader: string
  name: string
  nameOption: string
  keys: unknown
  algorithm: KeygripAlgorithm | undefined
  /** Reads the decoded JSON: the data, or why it is refused. */
  accept: (json: Record<string, unknown>, now: number) => Record<string, unknown> | 'expired'
}

/**
 * A reader of the `cookies` package's signed cookies (`cookies.get(name, { signed: true })`): the
 * value is the raw cookie text, the signature covers `name=value`.
 */
export function createKeygripSessionReader(setup: KeygripSessionSetup): LegacySessionReader {
  const { reader, name, accept } = setup
  if (!isNonEmptyString(name)) throw invalidOption(reader, setup.nameOption, 'a cookie name')
  const sigName = `${name}.sig`
  const verify = createKeygripVerifier(reader, setup.keys, setup.algorithm)
  const cookies = legacyCookies([name, sigName], setup)
  const refused = (reason: 'bad_signature' | 'malformed' | 'expired'): LegacyReadResult => ({
    ok: false,
    reason,
    cookieName: name,
  })

  async function read(value: string, signature: string | undefined, now: number) {
    if (signature === undefined || !(await verify(`${name}=${value}`, signature)))
      return refused('bad_signature')
    const json = parseBase64Json(value)
    if (json === undefined) return refused('malformed')
    const data = accept(json, now)
    return data === 'expired' ? refused('expired') : { ok: true as const, data, cookies }
  }

  return Object.freeze({
    name: reader,
    cookieNames: [name],
    read: (jar: Readonly<Record<string, string>>, now: number) => {
      const value = jar[name]
      // `value` is undefined for a request without the cookie: no promise, no work.
      return value === undefined ? undefined : read(value, jar[sigName], now)
    },
  })
}
