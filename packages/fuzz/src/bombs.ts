/**
 * Bombs: inputs built to cost the server time or memory, most of them signed or sealed with the
 * real key (so they pass authentication and reach the decompressor or the JSON reader). Each is
 * loaded repeatedly; the slowest load and the largest RSS growth are the figures.
 */
import {
  createKeyring,
  createSessionHandler,
  type CryptoBackend,
  sealValue,
  signValue,
  unsealValue,
  verifyValue,
} from '@cookietin/core'
import { createFlaskCodec, flask } from '@cookietin/core/flask'
import { backend as webCrypto } from '@cookietin/core/web-crypto'

export interface BombOptions {
  /** Loads per bomb and back-end. */
  repeats: number
}

interface BombResult {
  bomb: string
  backend: string
  /** Size of what the attacker sends: the token or the Cookie header, in bytes. */
  inputBytes: number
  loads: number
  /** Loads that did not end as they must (refused, a new session, a bounded response). */
  wrong: number
  medianMs: number
  maxMs: number
  /** Largest RSS above the level after the first load, in MiB. */
  rssGrowthMiB: number
}

export interface BombFigures {
  campaign: 'bombs'
  results: BombResult[]
}

const SECRET = 'bomb campaign secret: 32 bytes or more, random-looking 7f3a9c'
const NOW = 1_800_000_000
const MiB = 1 << 20
const BACKENDS: readonly { name: string; backend: CryptoBackend | undefined }[] = [
  { name: 'node', backend: undefined },
  { name: 'web', backend: webCrypto },
]

interface Bomb {
  name: string
  input: string
  /** Loads it once; resolves true when the outcome is the safe one. */
  load: (backend: CryptoBackend | undefined) => Promise<boolean>
}

const sessionHandler = (
  backend: CryptoBackend | undefined,
  format: 'sealed' | 'flask' = 'sealed',
) =>
  createSessionHandler({
    secrets: [SECRET],
    format: format === 'flask' ? flask() : format,
    maxAge: 3600,
    // The example apps' limits (the defaults are 2 chunks and 3 KB): the chunked bomb needs room
    // for 4 authentic chunks to reach the inflater.
    maxChunks: 4,
    maxSize: 12_288,
    now: () => NOW * 1000,
    ...(backend ? { backend } : {}),
  })

const loadsAsNew = async (backend: CryptoBackend | undefined, header: string, format?: 'flask') => {
  const scope = await sessionHandler(backend, format).begin(header, { secure: false })
  return scope.session.isNew
}

async function makeBombs(): Promise<Bomb[]> {
  const keyring = createKeyring(SECRET)
  const ring = (backend: CryptoBackend | undefined) =>
    createKeyring(SECRET, backend ? { backend } : {})
  const options = { now: NOW, maxAge: 3600, compress: true }
  // 64 MiB of one byte deflates to about 64 KiB: the most a token under the 2 MiB cap can hold
  // is about 2 GiB; the reader stops at 1 MiB whatever the token claims.
  const huge = 'a'.repeat(64 * MiB)
  const sealed = await sealValue(keyring, 'v', huge, options)
  const signed = await signValue(keyring, 'v', huge, options)
  // What fits in the session's 4 cookies: about 15 KiB of token, 11 MiB once inflated.
  const session = await sealValue(keyring, 'session:session', 'a'.repeat(11 * MiB), options)
  const flaskCookie = await createFlaskCodec({ secrets: [SECRET] }).dumps(
    { a: 'a'.repeat(8 * MiB) },
    NOW,
  )
  const deep = await sealValue(
    keyring,
    'session:session',
    `{"i":"x","d":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    { now: NOW, maxAge: 3600 },
  )
  const oversized = `e1.${'A'.repeat(1 << 21)}`
  const flood = Array.from({ length: 10_000 }, (_, i) => `session.${i}=${'x'.repeat(100)}`).join(
    '; ',
  )
  const chunks = session.match(/.{1,4000}/g) ?? []
  const chunked = chunks.map((chunk, i) => `session.${i}=${chunk}`).join('; ')
  return [
    {
      name: 'sealed token inflating to 64 MiB',
      input: sealed,
      load: async (b) => !(await unsealValue(ring(b), 'v', sealed, { now: NOW })).ok,
    },
    {
      name: 'signed token inflating to 64 MiB',
      input: signed,
      load: async (b) => !(await verifyValue(ring(b), 'v', signed, { now: NOW })).ok,
    },
    {
      name: 'session in 4 chunks inflating to 11 MiB',
      input: chunked,
      load: (b) => loadsAsNew(b, chunked),
    },
    {
      name: 'Flask cookie inflating to 8 MiB',
      input: `session=${flaskCookie}`,
      load: (b) => loadsAsNew(b, `session=${flaskCookie}`, 'flask'),
    },
    {
      name: 'session nested 100,000 deep',
      input: `session=${deep}`,
      load: (b) => loadsAsNew(b, `session=${deep}`),
    },
    {
      name: 'token of 2^21 + 3 characters',
      input: oversized,
      load: async (b) => !(await unsealValue(ring(b), 'v', oversized, { now: NOW })).ok,
    },
    {
      name: '10,000 planted chunk names',
      input: flood,
      load: async (b) => {
        const scope = await sessionHandler(b).begin(flood, { secure: false })
        scope.session.set('user', 'alice')
        const { setCookie } = await scope.finish()
        return scope.session.isNew === false && setCookie.length <= 5
      },
    },
  ]
}

const rss = () => process.memoryUsage().rss / MiB
const gc = (globalThis as { gc?: () => void }).gc

export async function detonate(options: BombOptions): Promise<BombFigures> {
  const results: BombResult[] = []
  for (const bomb of await makeBombs()) {
    for (const { name, backend } of BACKENDS) {
      gc?.()
      const times: number[] = []
      let wrong = 0
      let baseline = 0
      let peak = 0
      for (let i = 0; i < options.repeats; i++) {
        const start = performance.now()
        const safe = await bomb.load(backend)
        times.push(performance.now() - start)
        if (!safe) wrong++
        if (i === 0) baseline = rss()
        peak = Math.max(peak, rss())
      }
      times.sort((a, b) => a - b)
      results.push({
        bomb: bomb.name,
        backend: name,
        inputBytes: bomb.input.length,
        loads: options.repeats,
        wrong,
        medianMs: times[times.length >> 1] ?? 0,
        maxMs: times.at(-1) ?? 0,
        rssGrowthMiB: Math.max(0, peak - baseline),
      })
    }
  }
  return { campaign: 'bombs', results }
}
