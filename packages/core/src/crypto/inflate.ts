/**
 * DEFLATE (RFC 1951) and zlib (RFC 1950) decompression in plain TypeScript, for the Web Crypto
 * back-end. `DecompressionStream` cannot serve there: it cannot stop at a limit before producing
 * the output (it can only be cancelled afterwards), and runtimes that predate the Compression
 * Streams standard's rule (Node 20 among them) ignore bytes after the end of the stream. This reads
 * exactly one stream, stops the moment the output would pass the limit, and answers which of the
 * two failures it met. Only authenticated data reaches it (a token whose MAC or tag verified).
 */
import type { CompressionFormat, DecompressFailure } from './backend.ts'

/** Thrown inside `inflate` only, once allocated; turned into `null`. */
const INVALID = new Error('invalid DEFLATE data')
/** Thrown inside `inflate` only: the output would pass the limit. */
const TOO_LARGE = new Error('DEFLATE output over the limit')

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
]
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  counts: Uint16Array
  symbols: Uint16Array
}

/**
 * Builds a code from code lengths, refusing what zlib refuses: an over-subscribed set, and an
 * incomplete one unless it is a single code of length 1 (`allowSingle`, literal and distance
 * codes).
 */
function huffman(lengths: ArrayLike<number>, allowSingle: boolean): Huffman {
  const counts = new Uint16Array(16)
  for (let i = 0; i < lengths.length; i++) counts[lengths[i] as number]!++
  counts[0] = 0
  let left = 1
  let max = 0
  for (let length = 1; length < 16; length++) {
    left = (left << 1) - (counts[length] as number)
    if (left < 0) throw INVALID
    if ((counts[length] as number) > 0) max = length
  }
  if (left > 0 && max > 0 && !(allowSingle && max === 1)) throw INVALID
  const offsets = new Uint16Array(16)
  for (let length = 1; length < 15; length++) {
    offsets[length + 1] = (offsets[length] as number) + (counts[length] as number)
  }
  const symbols = new Uint16Array(lengths.length)
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] as number
    if (length !== 0) symbols[offsets[length]!++] = symbol
  }
  return { counts, symbols }
}

const FIXED_LITERALS = huffman(
  Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)),
  false,
)
// 32 codes, as zlib builds it; distance symbols 30 and 31 are refused when decoded.
const FIXED_DISTANCES = huffman(new Array<number>(32).fill(5), false)

class Inflater {
  #input: Uint8Array
  #at = 0
  #bits = 0
  #bitCount = 0
  #out: Uint8Array
  #length = 0
  readonly #max: number

  constructor(input: Uint8Array, start: number, max: number) {
    this.#input = input
    this.#at = start
    this.#max = max
    this.#out = new Uint8Array(Math.min(max, Math.max(1024, input.length * 4)))
  }

  /** Inflates one stream; answers the index of the first input byte after it. */
  run(): number {
    for (let final = 0; !final; ) {
      final = this.#read(1)
      const type = this.#read(2)
      if (type === 0) this.#stored()
      else if (type === 1) this.#codes(FIXED_LITERALS, FIXED_DISTANCES)
      else if (type === 2) this.#dynamic()
      else throw INVALID
    }
    // The final block may end inside a byte: the stream ends with that byte.
    return this.#at
  }

  get output(): Uint8Array {
    return this.#out.subarray(0, this.#length)
  }

  #read(count: number): number {
    while (this.#bitCount < count) {
      if (this.#at >= this.#input.length) throw INVALID
      this.#bits |= (this.#input[this.#at++] as number) << this.#bitCount
      this.#bitCount += 8
    }
    const value = this.#bits & ((1 << count) - 1)
    this.#bits >>>= count
    this.#bitCount -= count
    return value
  }

  #decode(code: Huffman): number {
    let value = 0
    let first = 0
    let index = 0
    for (let length = 1; length < 16; length++) {
      value |= this.#read(1)
      const count = code.counts[length] as number
      if (value - first < count) return code.symbols[index + value - first] as number
      index += count
      first = (first + count) << 1
      value <<= 1
    }
    throw INVALID
  }

  #room(extra: number): void {
    const needed = this.#length + extra
    if (needed > this.#max) throw TOO_LARGE
    if (needed <= this.#out.length) return
    const grown = new Uint8Array(Math.min(this.#max, Math.max(needed, this.#out.length * 2)))
    grown.set(this.#out.subarray(0, this.#length))
    this.#out = grown
  }

  #stored(): void {
    this.#bits = 0
    this.#bitCount = 0
    const input = this.#input
    if (this.#at + 4 > input.length) throw INVALID
    const length = (input[this.#at] as number) | ((input[this.#at + 1] as number) << 8)
    const check = (input[this.#at + 2] as number) | ((input[this.#at + 3] as number) << 8)
    if (length !== (~check & 0xffff)) throw INVALID
    this.#at += 4
    if (this.#at + length > input.length) throw INVALID
    this.#room(length)
    this.#out.set(input.subarray(this.#at, this.#at + length), this.#length)
    this.#length += length
    this.#at += length
  }

  #dynamic(): void {
    const literalCount = this.#read(5) + 257
    const distanceCount = this.#read(5) + 1
    const codeLengthCount = this.#read(4) + 4
    if (literalCount > 286 || distanceCount > 30) throw INVALID
    const codeLengths = new Uint8Array(19)
    for (let i = 0; i < codeLengthCount; i++) {
      codeLengths[CODE_LENGTH_ORDER[i] as number] = this.#read(3)
    }
    const lengthCode = huffman(codeLengths, false)
    if (lengthCode.counts.every((count) => count === 0)) throw INVALID
    const lengths = new Uint8Array(literalCount + distanceCount)
    for (let i = 0; i < lengths.length; ) {
      const symbol = this.#decode(lengthCode)
      if (symbol < 16) {
        lengths[i++] = symbol
        continue
      }
      let repeat: number
      let value = 0
      if (symbol === 16) {
        if (i === 0) throw INVALID
        value = lengths[i - 1] as number
        repeat = 3 + this.#read(2)
      } else if (symbol === 17) repeat = 3 + this.#read(3)
      else repeat = 11 + this.#read(7)
      if (i + repeat > lengths.length) throw INVALID
      lengths.fill(value, i, i + repeat)
      i += repeat
    }
    if (lengths[256] === 0) throw INVALID // no end-of-block code
    this.#codes(
      huffman(lengths.subarray(0, literalCount), true),
      huffman(lengths.subarray(literalCount), true),
    )
  }

  #codes(literals: Huffman, distances: Huffman): void {
    for (;;) {
      const symbol = this.#decode(literals)
      if (symbol < 256) {
        this.#room(1)
        this.#out[this.#length++] = symbol
        continue
      }
      if (symbol === 256) return
      const lengthIndex = symbol - 257
      if (lengthIndex >= 29) throw INVALID
      const length =
        (LENGTH_BASE[lengthIndex] as number) + this.#read(LENGTH_EXTRA[lengthIndex] as number)
      const distanceIndex = this.#decode(distances)
      if (distanceIndex >= 30) throw INVALID
      const distance =
        (DISTANCE_BASE[distanceIndex] as number) +
        this.#read(DISTANCE_EXTRA[distanceIndex] as number)
      if (distance > this.#length) throw INVALID
      this.#room(length)
      const out = this.#out
      for (let i = 0; i < length; i++, this.#length++) {
        out[this.#length] = out[this.#length - distance] as number
      }
    }
  }
}

function adler32(data: Uint8Array): number {
  let a = 1
  let b = 0
  for (let i = 0; i < data.length; ) {
    const end = Math.min(data.length, i + 5552)
    for (; i < end; i++) {
      a += data[i] as number
      b += a
    }
    a %= 65521
    b %= 65521
  }
  return ((b << 16) | a) >>> 0
}

/**
 * Inflates exactly one raw DEFLATE stream (`deflate-raw`) or one zlib stream (`deflate`): `null`
 * for corrupt or truncated data or any byte after the stream, `'too_large'` as soon as the output
 * would pass `maxLength` bytes.
 */
export function inflate(
  data: Uint8Array,
  format: CompressionFormat,
  maxLength: number,
): Uint8Array | DecompressFailure {
  let start = 0
  if (format === 'deflate') {
    // RFC 1950 header: deflate with a window of at most 32 KiB, no preset dictionary, check bits.
    const cmf = data[0]
    const flg = data[1]
    if (cmf === undefined || flg === undefined) return null
    if ((cmf & 15) !== 8 || cmf >> 4 > 7 || flg & 32 || ((cmf << 8) | flg) % 31 !== 0) return null
    start = 2
  }
  const inflater = new Inflater(data, start, maxLength)
  let end: number
  try {
    end = inflater.run()
  } catch (error) {
    if (error === TOO_LARGE) return 'too_large'
    if (error === INVALID) return null
    throw error
  }
  const output = inflater.output
  if (format === 'deflate') {
    if (end + 4 !== data.length) return null
    const stored =
      (((data[end] as number) << 24) |
        ((data[end + 1] as number) << 16) |
        ((data[end + 2] as number) << 8) |
        (data[end + 3] as number)) >>>
      0
    return stored === adler32(output) ? output : null
  }
  return end === data.length ? output : null
}
