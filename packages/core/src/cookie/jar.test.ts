import { describe, expect, test, vi } from 'vitest'
import { backend as nodeBackend } from '../crypto/backend.node.ts'
import { backend as webBackend } from '../crypto/backend.web.ts'
import { createKeyring } from '../crypto/keyring.ts'
import { ConfigError } from '../errors.ts'
import { createSessionHandler } from '../session/handler.ts'
import { CookieJar } from './jar.ts'

const OLD = 'jar test secret: the older one, 32+ bytes'
const NEW = 'jar test secret: the newer one, 32+ bytes'

describe.each([
  ['node', nodeBackend],
  ['web', webBackend],
] as const)('signed jar cookies follow key rotation (%s back-end)', (_name, backend) => {
  const keyring = (...secrets: string[]) => createKeyring(secrets, { backend })

  /** A `Cookie` header holding `name` signed by `secrets[0]`. */
  async function signedBy(secret: string, name: string, value: string, maxAge?: number) {
    const jar = new CookieJar(undefined, { keyring: keyring(secret) })
    await jar.setSigned(name, value, maxAge === undefined ? {} : { maxAge })
    return (jar.setCookieHeaders[0] as string).split(';')[0] as string
  }

  test('readSigned reports a cookie an older secret signed as stale', async () => {
    const header = await signedBy(OLD, 'prefs', 'dark')
    const jar = new CookieJar(header, { keyring: keyring(NEW, OLD) })
    expect(await jar.readSigned('prefs')).toEqual({
      value: 'dark',
      stale: true,
      expiresAt: undefined,
    })
    const fresh = new CookieJar(await signedBy(NEW, 'prefs', 'dark'), {
      keyring: keyring(NEW, OLD),
    })
    expect(await fresh.readSigned('prefs')).toMatchObject({ stale: false })
  })

  test('getSigned with `reissue` re-signs a stale cookie with the newest secret, keeping its expiry', async () => {
    const header = await signedBy(OLD, 'prefs', 'dark', 3600)
    const jar = new CookieJar(header, { keyring: keyring(NEW, OLD) })
    expect(await jar.getSigned('prefs', { reissue: { httpOnly: true, maxAge: 999_999 } })).toBe(
      'dark',
    )
    const [line] = jar.setCookieHeaders
    expect(line).toMatch(/^prefs=s1\.[^;]+; Max-Age=(3600|3599); Path=\/; HttpOnly$/)
    // Once the old secret is retired, the re-issued cookie still reads.
    const retired = new CookieJar((line as string).split(';')[0], { keyring: keyring(NEW) })
    expect(await retired.readSigned('prefs')).toMatchObject({ value: 'dark', stale: false })
  })

  test('a current cookie is not re-issued', async () => {
    const jar = new CookieJar(await signedBy(NEW, 'prefs', 'dark'), { keyring: keyring(NEW, OLD) })
    expect(await jar.getSigned('prefs', { reissue: {} })).toBe('dark')
    expect(jar.setCookieHeaders).toEqual([])
  })

  test("a signed cookie that fails reaches the session options' onInvalid; an absent one does not", async () => {
    const onInvalid = vi.fn()
    const handler = createSessionHandler({ secrets: [NEW], backend, onInvalid })
    const header = await signedBy(OLD, 'prefs', 'dark')
    const scope = await handler.begin(`${header}; other=1`, { secure: false })
    expect(await scope.cookies.getSigned('prefs')).toBeUndefined()
    expect(await scope.cookies.getSigned('absent')).toBeUndefined()
    expect(onInvalid).toHaveBeenCalledTimes(1)
    expect(onInvalid).toHaveBeenCalledWith({
      reason: 'unknown_key',
      cookieName: 'prefs',
      kind: 'signed-cookie',
    })
  })
})

describe("the jar's options are checked at the call", () => {
  const jar = () => new CookieJar(undefined, { keyring: createKeyring([NEW]) })

  test.each([
    ['set', { samesite: 'Lax' }, 'did you mean `sameSite`?'],
    ['set', { maxage: 60 }, 'did you mean `maxAge`?'],
    ['set', { signed: true }, 'use `setSigned`'],
    ['setSigned', { httponly: true }, 'did you mean `httpOnly`?'],
    ['delete', { domian: 'example.com' }, 'did you mean `domain`?'],
  ] as const)('%s with %j is a ConfigError', async (method, options, advice) => {
    const call = () =>
      method === 'delete'
        ? jar().delete('a', options as never)
        : jar()[method]('a', 'b', options as never)
    const error = await Promise.resolve()
      .then(call)
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain(advice)
  })

  test('options that are not an object are a ConfigError too', () => {
    expect(() => jar().set('a', 'b', null as never)).toThrowError(ConfigError)
  })

  test('known options pass', () => {
    const j = jar()
    j.set('a', 'b', { maxAge: 60, sameSite: 'Lax', httpOnly: true, path: '/', secure: 'auto' })
    expect(j.setCookieHeaders).toEqual(['a=b; Max-Age=60; Path=/; HttpOnly; SameSite=Lax'])
  })
})
