/**
 * Tampering: genuine session cookies in each format (sealed, signed, flask) and on each crypto
 * back-end, changed in every way an attacker can change a cookie, then loaded through a session
 * handler. An accepted change is a session that loads (not new) from a value that is not exactly
 * a cookie the server made for that name.
 */
import { createSessionHandler, type CryptoBackend, type SessionOptions } from '@cookietin/core'
import { flask } from '@cookietin/core/flask'
import { backend as webCrypto } from '@cookietin/core/web-crypto'
import { Random } from './random.ts'

export interface TamperOptions {
  /** Changed cookies loaded per format and per back-end. */
  count: number
  seed: number
}

interface TamperResult {
  format: FormatName
  backend: string
  mutations: number
  accepted: number
  /** Mutations that gave back the very cookie they started from (not counted). */
  unchanged: number
  byKind: Record<string, number>
  failures: string[]
}

export interface TamperFigures {
  campaign: 'tamper'
  seed: number
  results: TamperResult[]
}

type FormatName = 'sealed' | 'signed' | 'flask'
const FORMATS: readonly FormatName[] = ['sealed', 'signed', 'flask']
const BACKENDS: readonly { name: string; backend: CryptoBackend | undefined }[] = [
  { name: 'node', backend: undefined },
  { name: 'web', backend: webCrypto },
]
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const NOW = 1_800_000_000

type Handler = ReturnType<typeof createSessionHandler<Record<string, unknown>>>

const hexSecret = (r: Random) => Buffer.from(r.bytes(32)).toString('hex')

function handlerFor(
  format: FormatName,
  backend: CryptoBackend | undefined,
  secrets: string[],
  extra: Partial<SessionOptions> = {},
): Handler {
  return createSessionHandler<Record<string, unknown>>({
    secrets,
    format: format === 'flask' ? flask() : format,
    maxAge: 3600,
    // The example apps' limits rather than the defaults (2 chunks, 3 KB), so some genuine native
    // sessions span several cookies, as the published figures assume.
    maxChunks: 4,
    maxSize: 12_288,
    now: () => NOW * 1000,
    ...(backend ? { backend } : {}),
    ...extra,
  })
}

/**
 * A random session's data: strings, numbers, nesting, sometimes large enough to chunk or compress.
 */
function randomData(r: Random): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (let i = r.between(1, 6); i > 0; i--) {
    const key = r.text(r.between(1, 8), B64)
    const roll = r.int(4)
    data[key] =
      roll === 0
        ? r.int(1e9)
        : roll === 1
          ? { nested: [r.text(8, B64), r.chance(0.5)] }
          : r.text(r.between(0, r.chance(0.1) ? 3000 : 120), r.chance(0.5) ? B64 : 'ab ')
  }
  return data
}

/** The session cookie value a handler writes for `data` (chunks joined, as a reader joins them). */
async function mint(
  handler: Handler,
  data: Record<string, unknown>,
  cookieName = 'session',
): Promise<string> {
  const scope = await handler.begin('', { secure: false })
  for (const [key, value] of Object.entries(data)) scope.session.set(key, value)
  const { setCookie } = await scope.finish()
  const parts = setCookie
    .map((line) => line.slice(0, line.indexOf(';')))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const)
  const whole = parts.find(([name]) => name === cookieName)
  if (whole) return whole[1]
  return parts
    .filter(([name]) => name.startsWith(`${cookieName}.`))
    .map(([, value]) => value)
    .join('')
}

/** `mint` of random data, drawn again when it outgrows the format (Flask keeps one cookie). */
async function mintRandom(r: Random, handler: Handler, cookieName = 'session'): Promise<string> {
  for (;;) {
    const token = await mint(handler, randomData(r), cookieName).catch(() => undefined)
    if (token) return token
  }
}

function flipBit(r: Random, token: string): string {
  const at = r.int(token.length)
  const index = B64.indexOf(token[at] as string)
  const replacement = index < 0 ? r.pick([...B64]) : (B64[index ^ (1 << r.int(6))] as string)
  return token.slice(0, at) + replacement + token.slice(at + 1)
}

export async function tamper(options: TamperOptions): Promise<TamperFigures> {
  const r = new Random(options.seed)
  const [current, old, outsider] = [hexSecret(r), hexSecret(r), hexSecret(r)]
  const results: TamperResult[] = []
  for (const format of FORMATS) {
    for (const { name: backendName, backend } of BACKENDS) {
      const handler = handlerFor(format, backend, [current, old])
      // Some native sessions compressed, so compressed envelopes are tampered with too.
      const compressing = handlerFor(format, backend, [current, old], {
        compress: format !== 'flask',
      })
      const oldOnly = handlerFor(format, backend, [old])
      const stranger = handlerFor(format, backend, [outsider])
      const otherName = handlerFor(format, backend, [current, old], { cookieName: 'other' })
      const genuine: string[] = []
      for (let i = 0; i < 24; i++) {
        genuine.push(
          await mintRandom(r, i % 4 === 0 ? oldOnly : i % 5 === 0 ? compressing : handler),
        )
      }
      const genuineSet = new Set(genuine)
      // Tokens that are genuine somewhere else: another secret, another cookie name, another
      // format.
      const foreign: Record<string, string[]> = {
        'outsider secret': [await mintRandom(r, stranger)],
        'another kind': [],
      }
      // Flask binds no cookie name into its signature (nor does Flask): a name swap is not a
      // change.
      if (format !== 'flask') foreign['name swap'] = [await mintRandom(r, otherName, 'other')]
      for (const other of FORMATS.filter((f) => f !== format)) {
        ;(foreign['another kind'] as string[]).push(
          await mintRandom(r, handlerFor(other, backend, [current, old])),
        )
      }
      const keyIds =
        format === 'flask' ? [] : [...new Set(genuine.map((token) => token.slice(3, 11)))]

      const result: TamperResult = {
        format,
        backend: backendName,
        mutations: 0,
        accepted: 0,
        unchanged: 0,
        byKind: {},
        failures: [],
      }
      // Every genuine token loads: otherwise "0 accepted" would prove nothing.
      for (const token of genuine) {
        const scope = await handler.begin(`session=${token}`, { secure: false })
        if (scope.session.isNew) throw new Error(`a genuine ${format} session did not load`)
      }
      const mutations: Record<string, (token: string) => string> = {
        'bit flip': (token) => flipBit(r, token),
        'bit flips': (token) => flipBit(r, flipBit(r, flipBit(r, token))),
        truncation: (token) => token.slice(0, r.int(token.length)),
        extension: (token) => token + r.text(r.between(1, 8), `${B64}.=`),
        'chunk splice': (token) => {
          const other = r.pick(genuine)
          return token.slice(0, r.int(token.length)) + other.slice(r.int(other.length))
        },
        'key id swap': (token) =>
          format === 'flask'
            ? // Flask's timestamp and signature of another cookie (itsdangerous has no key id).
              `${token.slice(0, token.indexOf('.', 1))}${r.pick(genuine).slice(r.pick(genuine).indexOf('.', 1))}`
            : `${token.slice(0, 3)}${r.chance(0.8) ? r.pick(keyIds) : r.text(8, B64)}${token.slice(11)}`,
        'foreign token': () => {
          const kinds = Object.values(foreign).flat()
          return r.pick(kinds)
        },
      }
      const kinds = Object.keys(mutations)
      // Counted in changed cookies: a mutation that gives back a genuine cookie does not count.
      while (result.mutations < options.count) {
        const kind = r.pick(kinds)
        const base = r.pick(genuine)
        const changed = (mutations[kind] as (token: string) => string)(base)
        if (genuineSet.has(changed)) {
          result.unchanged++
          continue
        }
        result.mutations++
        result.byKind[kind] = (result.byKind[kind] ?? 0) + 1
        const scope = await handler.begin(`session=${changed}`, { secure: false })
        if (!scope.session.isNew) {
          result.accepted++
          if (result.failures.length < 10) result.failures.push(`${kind}: ${changed}`)
        }
      }
      results.push(result)
    }
  }
  return { campaign: 'tamper', seed: options.seed, results }
}
