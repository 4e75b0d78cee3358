import { constants, deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inflate } from './inflate.ts'

const LIMIT = 1 << 20

/** zlib's answer, with bytes after the stream refused as the library refuses them. */
function zlibInflateRaw(bytes: Uint8Array): Uint8Array | null {
  try {
    const inflated = inflateRawSync(bytes, { info: true, maxOutputLength: LIMIT }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
    return inflated.engine.bytesWritten === bytes.length ? new Uint8Array(inflated.buffer) : null
  } catch {
    return null
  }
}

describe('inflate (the Web Crypto back-end inflater) against zlib', () => {
  it('reads what zlib writes, at every level and strategy, raw and wrapped', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc
            .string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '{', '"'), maxLength: 5000 })
            .map((text) => new TextEncoder().encode(text)),
        ),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(
          constants.Z_DEFAULT_STRATEGY,
          constants.Z_FILTERED,
          constants.Z_HUFFMAN_ONLY,
          constants.Z_RLE,
          constants.Z_FIXED,
        ),
        fc.integer({ min: 9, max: 15 }),
        (data, level, strategy, windowBits) => {
          const options = { level, strategy, windowBits }
          expect(inflate(deflateRawSync(data, options), 'deflate-raw', LIMIT)).toEqual(
            new Uint8Array(data),
          )
          expect(inflate(deflateSync(data, options), 'deflate', LIMIT)).toEqual(
            new Uint8Array(data),
          )
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuses corrupt, truncated and trailing input, and checks the zlib wrapper', () => {
    const data = new TextEncoder().encode('{"user":"alice","cart":[1,2,3,1,2,3,1,2,3]}')
    const raw = deflateRawSync(data)
    const wrapped = deflateSync(data)
    for (let cut = 0; cut < raw.length; cut++) {
      expect(inflate(raw.subarray(0, cut), 'deflate-raw', LIMIT)).toBeNull()
    }
    expect(inflate(Buffer.concat([raw, Buffer.of(0)]), 'deflate-raw', LIMIT)).toBeNull()
    expect(inflate(Buffer.concat([wrapped, Buffer.of(0)]), 'deflate', LIMIT)).toBeNull()
    const badAdler = Buffer.from(wrapped)
    badAdler[badAdler.length - 1] = (badAdler[badAdler.length - 1] as number) ^ 1
    expect(inflate(badAdler, 'deflate', LIMIT)).toBeNull()
    const badHeader = Buffer.from(wrapped)
    badHeader[1] = (badHeader[1] as number) ^ 1
    expect(inflate(badHeader, 'deflate', LIMIT)).toBeNull()
    expect(inflate(Uint8Array.of(0x07), 'deflate-raw', LIMIT)).toBeNull() // block type 3
  })

  it('never throws on random bytes, and agrees with zlib on whether they inflate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(inflate(bytes, 'deflate-raw', LIMIT)).toEqual(zlibInflateRaw(bytes))
      }),
      { numRuns: 5000 },
    )
  })

  it('stops at the limit: exactly the limit inflates, one byte more is too_large', () => {
    const data = new Uint8Array(100_000).fill(7)
    const raw = deflateRawSync(data)
    expect(inflate(raw, 'deflate-raw', 100_000)).toHaveLength(100_000)
    expect(inflate(raw, 'deflate-raw', 99_999)).toBe('too_large')
    expect(inflate(deflateRawSync(new Uint8Array(64 << 20)), 'deflate-raw', LIMIT)).toBe(
      'too_large',
    )
  })
})
