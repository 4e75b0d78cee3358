import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { backend as nodeBackend } from '../../crypto/backend.node.ts'
import { backend as webBackend } from '../../crypto/backend.web.ts'
import { ConfigError, isCookietinError } from '../../errors.ts'
import { createFlaskCodec, FLASK_DEFAULT_MAX_AGE } from './codec.ts'
import { createTimestampSigner } from './itsdangerous.ts'
import { FlaskTuple, FlaskUUID, Markup } from './values.ts'

const SECRET = 'test-secret-key-of-32-bytes-long!'
const OLD_SECRET = 'an-older-secret-key-of-32-bytes-long'
const T = 1_700_000_000
const b64 = (text: string) => Buffer.from(text).toString('base64url')

describe.each([
  ['node', nodeBackend],
  ['web', webBackend],
] as const)('createFlaskCodec with the %s back-end', (_name, backend) => {
  const codec = createFlaskCodec({ secrets: [SECRET], backend })

  it('writes what Flask writes', async () => {
    // Flask 2.2.2 for {'user': 'alice', 'n': [1, 2, 3]}, SECRET_KEY = SECRET, at T.
    expect(await codec.dumps({ user: 'alice', n: [1, 2, 3] }, T)).toBe(
      'eyJuIjpbMSwyLDNdLCJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.u7HMuiavZHaUC9rZifZmQLhoHsM',
    )
  })

  it('reads what Flask writes, compressed or not', async () => {
    expect(
      await codec.loads(
        'eyJuIjpbMSwyLDNdLCJ1c2VyIjoiYWxpY2UifQ.ZVPxAA.u7HMuiavZHaUC9rZifZmQLhoHsM',
        T,
      ),
    ).toEqual({
      ok: true,
      value: { user: 'alice', n: [1, 2, 3] },
      keyIndex: 0,
      timestamp: T,
    })
    expect(
      await codec.loads(
        '.eJyrVkrKTFeyUkpMSh5Fo4jqSKkWAO8A6J0.ZVPxAA.3ZOzPMqE4vK0Pxf9TtnDGT6qfbU',
        T,
      ),
    ).toMatchObject({
      ok: true,
      value: { big: 'abc'.repeat(200) },
    })
  })

  it('round-trips every tagged type', async () => {
    const value = {
      _permanent: true,
      _flashes: [new FlaskTuple('message', 'Hello'), new FlaskTuple('error', 'Bad')],
      tuple: new FlaskTuple(1, 'a', new FlaskTuple()),
      bytes: new Uint8Array([0, 1, 254, 255]),
      markup: new Markup('<b>bold</b>'),
      uuid: new FlaskUUID('12345678-1234-5678-1234-567812345678'),
      date: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)),
      tagLike: { ' t': [1, 2] },
      unicode: 'héllo ✓ \u{1F600}',
      big: 12345678901234567890n,
      float: 0.1,
    }
    const cookie = await codec.dumps(value, T)
    const result = await codec.loads(cookie, T)
    expect(result).toEqual({ ok: true, value, keyIndex: 0, timestamp: T })
    if (result.ok) expect(await codec.dumps(result.value, T)).toBe(cookie)
  })

  it('compresses a large payload and reads it back', async () => {
    const value = {
      cart: Array.from({ length: 200 }, (_, i) => ({ sku: `item-${i % 7}`, qty: 1 })),
    }
    const cookie = await codec.dumps(value, T)
    expect(cookie.startsWith('.')).toBe(true)
    expect(cookie.length).toBeLessThan(b64(JSON.stringify(value)).length / 4)
    expect(await codec.loads(cookie, T)).toMatchObject({ ok: true, value })
  })

  it('enforces max age for every session, and refuses timestamps beyond the clock skew', async () => {
    const cookie = await codec.dumps({ a: 1 }, T)
    expect((await codec.loads(cookie, T + FLASK_DEFAULT_MAX_AGE)).ok).toBe(true)
    expect(await codec.loads(cookie, T + FLASK_DEFAULT_MAX_AGE + 1)).toEqual({
      ok: false,
      reason: 'expired',
    })
    expect((await codec.loads(cookie, T - 60)).ok).toBe(true)
    expect(await codec.loads(cookie, T - 61)).toEqual({ ok: false, reason: 'future' })
    const strict = createFlaskCodec({ secrets: [SECRET], backend, maxAge: 10, clockSkew: 0 })
    expect(await strict.loads(cookie, T - 1)).toEqual({ ok: false, reason: 'future' })
    expect(await strict.loads(cookie, T + 11)).toEqual({ ok: false, reason: 'expired' })
    expect((await strict.loads(cookie, T + 10)).ok).toBe(true)
  })

  it('signs with the first secret and verifies with any, reporting the index', async () => {
    const old = createFlaskCodec({ secrets: [OLD_SECRET], backend })
    const rotated = createFlaskCodec({ secrets: [SECRET, OLD_SECRET], backend })
    expect(await rotated.loads(await old.dumps({ a: 1 }, T), T)).toMatchObject({
      ok: true,
      keyIndex: 1,
      value: { a: 1 },
    })
    const reissued = await rotated.dumps({ a: 1 }, T)
    expect(reissued).toBe(await codec.dumps({ a: 1 }, T))
    expect(await rotated.loads(reissued, T)).toMatchObject({ ok: true, keyIndex: 0 })
    expect(await old.loads(reissued, T)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a wrong key and any single-character or single-bit change', async () => {
    const cookie = await codec.dumps({ user: 'alice', role: 'user' }, T)
    const other = createFlaskCodec({ secrets: ['a-different-secret-of-32-bytes-long'], backend })
    expect(await other.loads(cookie, T)).toEqual({ ok: false, reason: 'bad_signature' })
    for (let i = 0; i < cookie.length; i++) {
      for (const replacement of ['A', 'B', '.', '-']) {
        if (cookie[i] === replacement) continue
        const forged = cookie.slice(0, i) + replacement + cookie.slice(i + 1)
        expect((await codec.loads(forged, T)).ok, forged).toBe(false)
      }
      for (let bit = 0; bit < 7; bit++) {
        const forged =
          cookie.slice(0, i) +
          String.fromCharCode(cookie.charCodeAt(i) ^ (1 << bit)) +
          cookie.slice(i + 1)
        expect((await codec.loads(forged, T)).ok, forged).toBe(false)
      }
    }
  })

  it('does not let __proto__ in a signed cookie touch any prototype', async () => {
    const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    const json =
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"x":{" di":{" t__":{"__proto__":[1]}}}}'
    const result = await codec.loads(await signer.sign(b64(json), T), T)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(Object.getPrototypeOf(result.value)).toBeNull()
    expect(Object.keys(result.value)).toEqual(['__proto__', 'constructor', 'x'])
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined()
    expect((result.value as { isAdmin?: unknown }).isAdmin).toBeUndefined()
    // A plain object literal with an own "__proto__" key (JSON.parse makes those) is written as a key.
    const parsed = JSON.parse('{"__proto__":{"a":1}}') as Record<string, unknown>
    const again = await codec.loads(await codec.dumps(parsed, T), T)
    expect(again.ok && Object.keys(again.value)).toEqual(['__proto__'])
  })

  it('reads validly signed but ill-formed payloads as malformed or too large, never throwing', async () => {
    const signer = createTimestampSigner({ secrets: [SECRET], salt: 'cookie-session', backend })
    const signed = (payload: string) => signer.sign(payload, T)
    const deflate = async (bytes: Uint8Array) =>
      `.${Buffer.from(await backend.compress(bytes, 'deflate')).toString('base64url')}`
    const cases: [string, string][] = [
      ['malformed', b64('[1,2]')],
      ['malformed', b64('"session"')],
      ['malformed', b64('{"a":')],
      ['malformed', b64('{" t":[1]}')],
      ['malformed', b64('{"a":{" u":"nope"}}')],
      ['malformed', Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')],
      ['malformed', 'a'],
      ['malformed', '.AAAA'],
      ['malformed', `.${b64('not zlib at all')}`],
      ['too_large', await deflate(new Uint8Array(2 << 20).fill(0x20))],
      ['malformed', b64(`{"a":${'['.repeat(600)}${']'.repeat(600)}}`)],
    ]
    for (const [reason, payload] of cases) {
      expect(await codec.loads(await signed(payload), T), payload.slice(0, 40)).toEqual({
        ok: false,
        reason,
      })
    }
    // Flask's tag-like dict at the top level is still a dict.
    expect(await codec.loads(await signed(b64('{" di":{" t__":[1]}}')), T)).toMatchObject({
      ok: true,
      value: { ' t': [1] },
    })
  })

  it('never throws for any string', async () => {
    const fixed = [
      '',
      '.',
      '..',
      '...',
      'a.b.c',
      '.a.b.c',
      'é.é.é',
      '\u0000',
      'x'.repeat(20_000),
      `${await codec.dumps({ a: 1 }, T)}.`,
      `.${await codec.dumps({ a: 1 }, T)}`,
    ]
    for (const cookie of fixed) expect((await codec.loads(cookie, T)).ok).toBe(false)
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'AZaz09-_.é\u0000 '.split('')), maxLength: 80 }),
        async (cookie) => {
          expect((await codec.loads(cookie, T)).ok).toBe(false)
        },
      ),
    )
    expect(await codec.loads(undefined as unknown as string, T)).toEqual({
      ok: false,
      reason: 'malformed',
    })
    expect(await codec.loads('x'.repeat(20_000), T)).toEqual({ ok: false, reason: 'too_large' })
  })

  it('refuses to write what Flask could not read back', async () => {
    await expect(codec.dumps([] as unknown as Record<string, unknown>, T)).rejects.toThrow(
      TypeError,
    )
    await expect(
      codec.dumps(new Markup('x') as unknown as Record<string, unknown>, T),
    ).rejects.toThrow(TypeError)
    await expect(codec.dumps({ f: () => 1 }, T)).rejects.toThrow(TypeError)
    await expect(codec.dumps({ a: 1 }, -1)).rejects.toThrow(ConfigError)
    await expect(codec.loads('x', Number.NaN)).rejects.toThrow(ConfigError)
  })
})

describe('createFlaskCodec options', () => {
  it('throws NO_SECRET without a secret', () => {
    for (const secrets of [[], ['']]) {
      try {
        createFlaskCodec({ secrets })
        expect.unreachable()
      } catch (error) {
        expect(isCookietinError(error)).toBe(true)
        expect(error).toBeInstanceOf(ConfigError)
        expect((error as ConfigError).code).toBe('NO_SECRET')
      }
    }
  })

  it('throws for repeated secrets and invalid numbers', () => {
    expect(() => createFlaskCodec({ secrets: [SECRET, SECRET] })).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_SECRET' }),
    )
    expect(() => createFlaskCodec({ secrets: [SECRET], maxAge: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => createFlaskCodec({ secrets: [SECRET], clockSkew: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => createFlaskCodec({ secrets: [42 as unknown as string] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  })

  it('warns once, without the secret, when a secret is shorter than 32 bytes, and still works', async () => {
    const warn = vi.fn()
    const codec = createFlaskCodec({ secrets: ['dev', SECRET, 'shhh'], warn })
    expect(warn).toHaveBeenCalledTimes(1)
    const message = String(warn.mock.calls[0]?.[0])
    expect(message).toMatch(/#0 \(3 bytes\), #2 \(4 bytes\)/)
    expect(message).not.toContain('shhh')
    expect(await codec.loads(await codec.dumps({ a: 1 }, T), T)).toMatchObject({ ok: true })
    await codec.dumps({ a: 2 })
    expect(warn).toHaveBeenCalledTimes(1)

    const quiet = vi.fn()
    createFlaskCodec({ secrets: [SECRET], warn: quiet })
    expect(quiet).not.toHaveBeenCalled()
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    createFlaskCodec({ secrets: ['short'] })
    expect(spy).toHaveBeenCalledTimes(1)
    spy.mockRestore()
  })

  it('uses the salt', async () => {
    const a = createFlaskCodec({ secrets: [SECRET] })
    const b = createFlaskCodec({ secrets: [SECRET], salt: 'other-salt' })
    expect(await b.loads(await a.dumps({ a: 1 }, T), T)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
  })

  it('defaults now to the current time', async () => {
    const codec = createFlaskCodec({ secrets: [SECRET], maxAge: 5 })
    const result = await codec.loads(await codec.dumps({ a: 1 }))
    expect(result.ok && Math.abs(result.timestamp - Date.now() / 1000)).toBeLessThan(2)
  })
})
