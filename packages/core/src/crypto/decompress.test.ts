import { deflateRawSync, deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'

/** Bytes as a plain array (Node answers Buffers, Web Crypto Uint8Arrays), failures as they are. */
const plain = (result: Uint8Array | null | 'too_large') =>
  result instanceof Uint8Array ? Array.from(result) : result

const text = new TextEncoder().encode('{"cart":"widget widget widget widget widget widget"}')

describe.each([nodeBackend, webBackend])('decompress on the $name back-end', (backend) => {
  it.each([
    ['deflate-raw', deflateRawSync],
    ['deflate', deflateSync],
  ] as const)('%s: one stream inflates; a byte after its end is refused', async (format, make) => {
    const stream = make(text)
    expect(plain(await backend.decompress(stream, format, 1 << 20))).toEqual(Array.from(text))
    for (const tail of [Buffer.of(0), Buffer.of(0x03, 0x00), stream]) {
      expect(await backend.decompress(Buffer.concat([stream, tail]), format, 1 << 20)).toBeNull()
    }
  })

  it('stops at the limit and says so; corrupt or truncated data is null', async () => {
    const stream = deflateRawSync(new Uint8Array(4 << 20))
    expect(await backend.decompress(stream, 'deflate-raw', 1 << 20)).toBe('too_large')
    expect(await backend.decompress(stream, 'deflate-raw', 4 << 20)).toHaveLength(4 << 20)
    expect(
      await backend.decompress(stream.subarray(0, stream.length - 2), 'deflate-raw', 8 << 20),
    ).toBeNull()
    expect(await backend.decompress(Uint8Array.of(0xff, 0xff, 0xff), 'deflate-raw', 100)).toBeNull()
    expect(
      plain(await backend.decompress(deflateRawSync(text), 'deflate-raw', text.length)),
    ).toEqual(Array.from(text))
    expect(await backend.decompress(deflateRawSync(text), 'deflate-raw', text.length - 1)).toBe(
      'too_large',
    )
  })
})
