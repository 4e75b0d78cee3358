import { describe, expect, it, vi } from 'vitest'
import { ConfigError, isCookietinError } from '../errors.ts'
import type { CryptoBackend } from './backend.ts'
import { backend as nodeBackend } from './backend.node.ts'
import { backend as webBackend } from './backend.web.ts'
import { createKeyring, MIN_SECRET_BYTES, type Secret } from './keyring.ts'
import { sealValue, unsealValue } from './seal.ts'
import { signValue, verifyValue } from './sign.ts'

const S0 = 'keyring test secret 0: newest, more than 32 bytes'
const S1 = 'keyring test secret 1: older,  more than 32 bytes'
const S2 = 'keyring test secret 2: oldest, more than 32 bytes'
const SHORT = 'x'.repeat(MIN_SECRET_BYTES - 1)

function configError(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect(isCookietinError(error)).toBe(true)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

const kidOf = (token: string) => token.split('.')[1]

/** A back-end whose every method is a spy that calls through. */
function spied(backend: CryptoBackend) {
  const spies = {
    hkdf: vi.fn((...args: Parameters<CryptoBackend['hkdf']>) => backend.hkdf(...args)),
    importHmac: vi.fn((...args: Parameters<CryptoBackend['importHmac']>) =>
      backend.importHmac(...args),
    ),
    importAesGcm: vi.fn((...args: Parameters<CryptoBackend['importAesGcm']>) =>
      backend.importAesGcm(...args),
    ),
  }
  return { spies, backend: { ...backend, ...spies } satisfies CryptoBackend }
}

describe.each([nodeBackend, webBackend])('keyring on the $name back-end', (backend) => {
  describe('refuses bad secrets at construction', () => {
    it('no secret: NO_SECRET', () => {
      expect(configError(() => createKeyring([], { backend })).code).toBe('NO_SECRET')
      expect(
        configError(() => createKeyring(undefined as unknown as Secret[], { backend })).code,
      ).toBe('NO_SECRET')
      expect(configError(() => createKeyring(null as unknown as Secret[], { backend })).code).toBe(
        'NO_SECRET',
      )
    })

    it('a 31-byte secret: WEAK_SECRET naming which secret, without printing it', () => {
      const error = configError(() => createKeyring([S0, SHORT, S2], { backend }))
      expect(error.code).toBe('WEAK_SECRET')
      expect(error.message).toContain('Secret #1')
      expect(error.message).toContain('2nd newest of 3')
      expect(error.message).toContain('31 bytes')
      expect(error.message).toContain('at least 32 bytes')
      expect(error.message).not.toContain(SHORT)

      const alone = configError(() => createKeyring(SHORT, { backend }))
      expect(alone.code).toBe('WEAK_SECRET')
      expect(alone.message).toMatch(/^The secret is 31 bytes/)
      expect(configError(() => createKeyring([SHORT, S0], { backend })).message).toContain(
        'the newest of 2',
      )
      expect(configError(() => createKeyring([S0, SHORT], { backend })).message).toContain(
        'the oldest of 2',
      )
    })

    it('counts bytes, not characters', () => {
      // 16 two-byte characters: 32 bytes of UTF-8.
      expect(() => createKeyring('éèêëàâäôöûüùçîïñ', { backend })).not.toThrow()
      expect(configError(() => createKeyring('éèêëàâäôöûüùçîï', { backend })).code).toBe(
        'WEAK_SECRET',
      )
      expect(configError(() => createKeyring(new Uint8Array(31), { backend })).code).toBe(
        'WEAK_SECRET',
      )
      expect(() =>
        createKeyring(crypto.getRandomValues(new Uint8Array(32)), { backend }),
      ).not.toThrow()
    })

    it.each([
      ['a repeated character', 'x'.repeat(32)],
      ['32 zero bytes', new Uint8Array(32)],
      ['a repeated pair', 'ab'.repeat(32)],
      ['a repeated two-byte character', 'é'.repeat(16)],
      ['seven distinct bytes, long', 'abcdefg'.repeat(20)],
    ])('a secret of obviously no entropy (%s): WEAK_SECRET saying how to make one', (_, secret) => {
      const error = configError(() => createKeyring([S0, secret], { backend }))
      expect(error.code).toBe('WEAK_SECRET')
      expect(error.message).toContain('Secret #1')
      expect(error.message).toContain('distinct byte values')
      expect(error.message).toContain('openssl rand -base64 32')
    })

    it('random secrets in every usual encoding pass', () => {
      for (let i = 0; i < 200; i++) {
        const bytes = crypto.getRandomValues(new Uint8Array(32))
        const base64 = Buffer.from(bytes).toString('base64')
        const hex = Buffer.from(bytes).toString('hex')
        const base64url = Buffer.from(bytes).toString('base64url')
        expect(() => createKeyring([bytes, base64, hex, base64url], { backend })).not.toThrow()
      }
    })

    it('a repeated secret: DUPLICATE_SECRET, also across string and bytes', () => {
      const error = configError(() => createKeyring([S0, S1, S0], { backend }))
      expect(error.code).toBe('DUPLICATE_SECRET')
      expect(error.message).toContain('Secret #2')
      expect(error.message).toContain('secret #0')
      expect(
        configError(() => createKeyring([S0, new TextEncoder().encode(S0)], { backend })).code,
      ).toBe('DUPLICATE_SECRET')
    })

    it('a secret that is neither a string nor bytes: INVALID_OPTION', () => {
      expect(
        configError(() => createKeyring([S0, 42] as unknown as string[], { backend })).code,
      ).toBe('INVALID_OPTION')
      expect(
        configError(() => createKeyring({ length: 1 } as unknown as Secret[], { backend })).code,
      ).toBe('INVALID_OPTION')
    })
  })

  it('accepts Uint8Array secrets, deriving the same keys as the equal string', async () => {
    const bytes = new TextEncoder().encode(S0)
    const fromBytes = createKeyring([bytes, Buffer.from(S1)], { backend })
    const fromString = createKeyring([S0, S1], { backend })
    const token = await signValue(fromBytes, 'n', 'v')
    expect(await verifyValue(fromString, 'n', token)).toMatchObject({
      ok: true,
      value: 'v',
      stale: false,
    })
    expect((await fromBytes.current()).id).toBe((await fromString.current()).id)
  })

  it('copies byte secrets: zeroing the caller buffer afterwards changes nothing', async () => {
    const secret = new TextEncoder().encode(S0)
    const ring = createKeyring(secret, { backend })
    secret.fill(0)
    const token = await signValue(ring, 'n', 'v')
    expect(await verifyValue(createKeyring(S0, { backend }), 'n', token)).toMatchObject({
      ok: true,
    })
    // and the zeroed bytes are no secret at all.
    expect(configError(() => createKeyring(secret, { backend })).code).toBe('WEAK_SECRET')
  })

  it('the newest secret signs and seals; every secret verifies', async () => {
    const ring = createKeyring([S0, S1, S2], { backend })
    const newestId = (await createKeyring(S0, { backend }).current()).id
    expect((await ring.current()).id).toBe(newestId)
    expect((await ring.current()).index).toBe(0)
    expect(kidOf(await signValue(ring, 'n', 'v'))).toBe(newestId)
    expect(kidOf(await sealValue(ring, 'n', 'v'))).toBe(newestId)
    for (const [index, secret] of [S0, S1, S2].entries()) {
      const id = (await createKeyring(secret, { backend }).current()).id
      expect(await ring.find(id)).toMatchObject({ id, index })
    }
    expect(ring.size).toBe(3)
  })

  it('key ids are stable (across rings and back-ends), distinct and 8 base64url characters', async () => {
    const ids = await Promise.all(
      [S0, S1, S2].map(async (s) => (await createKeyring(s, { backend }).current()).id),
    )
    const again = await Promise.all(
      [S0, S1, S2].map(async (s) => (await createKeyring(s, { backend }).current()).id),
    )
    const other = backend === nodeBackend ? webBackend : nodeBackend
    const elsewhere = await Promise.all(
      [S0, S1, S2].map(async (s) => (await createKeyring(s, { backend: other }).current()).id),
    )
    expect(again).toEqual(ids)
    expect(elsewhere).toEqual(ids)
    expect(new Set(ids).size).toBe(3)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/)
    expect(await createKeyring(S0, { backend }).find('nope')).toBeUndefined()
    expect(await createKeyring(S0, { backend }).find('')).toBeUndefined()
  })

  it('derives and imports each key once per keyring, never per call', async () => {
    const { spies, backend: counting } = spied(backend)
    const ring = createKeyring([S0, S1, S2], { backend: counting })
    expect(spies.hkdf).not.toHaveBeenCalled() // lazily, at first use
    const oldRing = createKeyring([S2], { backend })
    const oldSigned = await signValue(oldRing, 'n', 'old')
    const oldSealed = await sealValue(oldRing, 'n', 'old')

    // A burst of concurrent first calls shares one derivation.
    await Promise.all(Array.from({ length: 20 }, (_, i) => signValue(ring, 'n', `v${i}`)))
    for (let i = 0; i < 50; i++) {
      const signed = await signValue(ring, 'n', `v${i}`)
      const sealed = await sealValue(ring, 'n', `v${i}`)
      expect(await verifyValue(ring, 'n', signed)).toMatchObject({ ok: true })
      expect(await unsealValue(ring, 'n', sealed)).toMatchObject({ ok: true })
      expect(await verifyValue(ring, 'n', oldSigned)).toMatchObject({ ok: true, stale: true })
      expect(await unsealValue(ring, 'n', oldSealed)).toMatchObject({ ok: true, stale: true })
    }
    expect(spies.importHmac).toHaveBeenCalledTimes(3)
    expect(spies.importAesGcm).toHaveBeenCalledTimes(3)
    expect(spies.hkdf).toHaveBeenCalledTimes(9) // key id, HMAC key, AES key for each secret
    for (const call of spies.importHmac.mock.calls) expect(call[0]).toBe('SHA-256')
  })

  it('a failed derivation is not cached: the next call retries', async () => {
    let fail = true
    const flaky: CryptoBackend = {
      ...backend,
      hkdf: (...args) =>
        fail ? Promise.reject(new Error('no crypto here')) : backend.hkdf(...args),
    }
    const ring = createKeyring(S0, { backend: flaky })
    await expect(signValue(ring, 'n', 'v')).rejects.toThrow('no crypto here')
    fail = false
    const token = await signValue(ring, 'n', 'v')
    expect(await verifyValue(ring, 'n', token)).toMatchObject({ ok: true, value: 'v' })
  })

  it('uses the injected back-end and random source', async () => {
    const ring = createKeyring(S0, { backend, random: (buffer) => buffer.fill(7) })
    expect(ring.backend).toBe(backend)
    expect(ring.random(new Uint8Array(3))).toEqual(Uint8Array.of(7, 7, 7))
  })
})
