/**
 * Cookie header fuzzing: generated headers of every shape a client can send, each parsed with
 * `parseCookies` and every name read back with `parseCookie`. Counts throws and disagreements,
 * times each parse, and checks that no header changes `Object.prototype`.
 */
import { parseCookie, parseCookies } from '@cookietin/core'
import { Random } from './random.ts'

export interface HeaderOptions {
  count: number
  seed: number
  /** Largest "huge" header in bytes. */
  hugeBytes: number
}

export interface HeaderFigures {
  campaign: 'headers'
  seed: number
  headers: number
  totalBytes: number
  largestBytes: number
  throws: number
  /** Names where `parseCookie(h, n)` differs from `parseCookies(h)[n]`. */
  disagreements: number
  namesChecked: number
  prototypeChanged: boolean
  /**
   * Over headers of 1 KB or more, in microseconds per KB: the slowest single parse as it happened
   * (garbage collection and the machine's other work included), and the 99th percentile.
   */
  worstMicrosPerKb: number
  worstKind: string
  p99MicrosPerKb: number
  /**
   * The ten slowest headers parsed again, five times each, keeping each one's fastest: what the
   * worst input costs the parser itself, without the pauses around it.
   */
  worstRepeatedMicrosPerKb: number
  worstRepeatedKind: string
  byKind: Record<string, number>
  failures: string[]
}

const TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"
const OCTETS = `${TOKEN}"(),/:<>?@[]{}\\ \t=;`
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
]
const PERCENT_EDGES = [
  '%',
  '%%',
  '%2',
  '%zz',
  '%25',
  '%20',
  '%00',
  '%FF',
  '%C0%80',
  '%ED%A0%80',
  '%F0%9F%8D%AA',
  '%F0%9F',
  '%E2%82%AC',
  '%3B',
  '%3D',
  '%22',
  '100%',
  '%u0041',
]
const ODD_NAMES = ['\u00a0dummy', ' a b ', 'a\\b', 'é', '\u0000', '\u200b', 'a"b', '=', '']

type Generator = (r: Random, options: HeaderOptions) => string

const ows = (r: Random) => (r.chance(0.7) ? '' : r.pick([' ', '\t', '  ', ' \t ']))

function name(r: Random): string {
  const roll = r.int(10)
  if (roll === 0) return r.pick(PROTOTYPE_NAMES)
  if (roll === 1) return r.pick(ODD_NAMES)
  if (roll === 2) return r.text(r.between(1, 12), OCTETS)
  return r.text(r.between(1, 12), TOKEN)
}

function value(r: Random): string {
  const roll = r.int(8)
  if (roll === 0) return `"${r.text(r.between(0, 16), TOKEN)}"`
  if (roll === 1)
    return Array.from({ length: r.between(1, 4) }, () => r.pick(PERCENT_EDGES)).join('')
  if (roll === 2) return r.text(r.between(0, 24), OCTETS)
  if (roll === 3) return `${r.text(r.between(0, 8), TOKEN)}=${r.text(r.between(0, 8), TOKEN)}`
  return r.text(r.between(0, 40), TOKEN)
}

function pairs(r: Random, count: number, names: () => string): string {
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const n = names()
    out.push(
      r.chance(0.05)
        ? `${ows(r)}${n}${ows(r)}`
        : `${ows(r)}${n}${ows(r)}=${ows(r)}${value(r)}${ows(r)}`,
    )
  }
  return out.join(r.chance(0.9) ? ';' : r.pick([';;', '; ;', ',']))
}

const GENERATORS: Record<string, { weight: number; make: Generator }> = {
  'random bytes': {
    weight: 20,
    make: (r) => String.fromCharCode(...r.bytes(r.between(0, 300))),
  },
  'random UTF-16 (lone surrogates included)': {
    weight: 10,
    make: (r) => {
      let out = ''
      for (let i = r.between(0, 200); i > 0; i--) out += String.fromCharCode(r.int(0x10000))
      return out
    },
  },
  grammar: { weight: 45, make: (r) => pairs(r, r.between(1, 30), () => name(r)) },
  'prototype names': {
    weight: 10,
    make: (r) => pairs(r, r.between(1, 12), () => r.pick(PROTOTYPE_NAMES)),
  },
  'percent escapes': {
    weight: 13,
    make: (r) =>
      Array.from(
        { length: r.between(1, 10) },
        () =>
          `${r.text(r.between(1, 6), TOKEN)}=${r.pick(PERCENT_EDGES)}${r.text(r.int(4), TOKEN)}${r.pick(PERCENT_EDGES)}`,
      ).join('; '),
  },
  '10,000 pairs': {
    weight: 0.2,
    make: (r) => Array.from({ length: 10_000 }, (_, i) => `c${i}=${r.text(8, TOKEN)}`).join('; '),
  },
  huge: {
    weight: 0.2,
    make: (r, { hugeBytes }) => {
      const size = r.between(hugeBytes >> 4, hugeBytes)
      const unit = r.pick(['x', ';', '=', ' ', 'a=b;', '%', '"', 'session.0=x; '])
      return r.chance(0.5) ? `s=${'v'.repeat(size)}` : unit.repeat(Math.ceil(size / unit.length))
    },
  },
}

const TOTAL_WEIGHT = Object.values(GENERATORS).reduce((sum, g) => sum + g.weight, 0)

function choose(r: Random): [string, Generator] {
  let roll = r.next() * TOTAL_WEIGHT
  for (const [kind, g] of Object.entries(GENERATORS)) {
    roll -= g.weight
    if (roll < 0) return [kind, g.make]
  }
  return ['grammar', (GENERATORS['grammar'] as { make: Generator }).make]
}

const describeHeader = (header: string) =>
  `${JSON.stringify(header.slice(0, 120))}${header.length > 120 ? ` (${header.length} chars)` : ''}`

export function fuzzHeaders(options: HeaderOptions): HeaderFigures {
  const r = new Random(options.seed)
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).join()
  const figures: HeaderFigures = {
    campaign: 'headers',
    seed: options.seed,
    headers: 0,
    totalBytes: 0,
    largestBytes: 0,
    throws: 0,
    disagreements: 0,
    namesChecked: 0,
    prototypeChanged: false,
    worstMicrosPerKb: 0,
    worstKind: '',
    p99MicrosPerKb: 0,
    worstRepeatedMicrosPerKb: 0,
    worstRepeatedKind: '',
    byKind: {},
    failures: [],
  }
  const rates: number[] = []
  const slowest: { rate: number; header: string; kind: string }[] = []
  const fail = (message: string) => {
    if (figures.failures.length < 20) figures.failures.push(message)
  }
  for (let i = 0; i < options.count; i++) {
    const [kind, make] = choose(r)
    const header = make(r, options)
    figures.headers++
    figures.byKind[kind] = (figures.byKind[kind] ?? 0) + 1
    figures.totalBytes += header.length
    figures.largestBytes = Math.max(figures.largestBytes, header.length)
    let parsed: Record<string, string>
    const start = performance.now()
    try {
      parsed = parseCookies(header)
    } catch (error) {
      figures.throws++
      fail(`parseCookies threw ${String(error)} on ${describeHeader(header)}`)
      continue
    }
    const micros = (performance.now() - start) * 1000
    if (header.length >= 1024) {
      const rate = micros / (header.length / 1024)
      rates.push(rate)
      if (slowest.length < 10 || rate > (slowest.at(-1) as { rate: number }).rate) {
        slowest.push({ rate, header, kind })
        slowest.sort((a, b) => b.rate - a.rate)
        slowest.length = Math.min(slowest.length, 10)
      }
      if (rate > figures.worstMicrosPerKb) {
        figures.worstMicrosPerKb = rate
        figures.worstKind = `${kind}, ${header.length} bytes`
      }
    }
    if (Object.getPrototypeOf(Object.getPrototypeOf(parsed)) !== null) {
      fail(`parseCookies returned an object inheriting from Object.prototype`)
      figures.disagreements++
    }
    // Every name it found, a sample of them for the 10,000-pair headers, and names it may have
    // skipped.
    let names = Object.keys(parsed)
    if (names.length > 200) names = Array.from({ length: 200 }, () => r.pick(names))
    names.push(...PROTOTYPE_NAMES, name(r), name(r))
    for (const n of names) {
      figures.namesChecked++
      let one: string | undefined
      try {
        one = parseCookie(header, n)
      } catch (error) {
        figures.throws++
        fail(
          `parseCookie threw ${String(error)} for ${JSON.stringify(n)} on ${describeHeader(header)}`,
        )
        continue
      }
      const all = Object.hasOwn(parsed, n) ? parsed[n] : undefined
      if (one !== all) {
        figures.disagreements++
        fail(
          `parseCookie gave ${JSON.stringify(one)}, parseCookies ${JSON.stringify(all)} for ${JSON.stringify(n)} in ${describeHeader(header)}`,
        )
      }
    }
  }
  for (const { header, kind } of slowest) {
    let best = Number.POSITIVE_INFINITY
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      parseCookies(header)
      best = Math.min(best, (performance.now() - start) * 1000)
    }
    const rate = best / (header.length / 1024)
    if (rate > figures.worstRepeatedMicrosPerKb) {
      figures.worstRepeatedMicrosPerKb = rate
      figures.worstRepeatedKind = `${kind}, ${header.length} bytes`
    }
  }
  rates.sort((a, b) => a - b)
  figures.p99MicrosPerKb = rates[Math.floor(rates.length * 0.99)] ?? 0
  figures.prototypeChanged = Object.getOwnPropertyNames(Object.prototype).join() !== prototypeBefore
  return figures
}
