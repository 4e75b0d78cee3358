import { describe, expect, it } from 'vitest'
import { flask } from './flask.ts'
import { createKeyring, createSessionHandler, sealValue, signValue } from './index.ts'
import {
  cookiesFromSetCookie,
  createSessionCookie,
  inspectCookie,
  keyIdsOf,
  locateCookie,
  mintSessionCookie,
  readSessionCookie,
  type TestingFormat,
} from './testing.ts'

const NEW = 'testing-entry-newest-secret-0123456789abcdef'
const OLD = 'testing-entry-older-secret-0123456789abcdefgh'
const OTHER = 'testing-entry-unrelated-secret-0123456789abcd'
const FORMATS: TestingFormat[] = ['sealed', 'signed', 'flask']
const formatOption = (format: TestingFormat) => (format === 'flask' ? flask() : format)

describe.each(FORMATS)('%s', (format) => {
  const handler = (secrets: string[]) =>
    createSessionHandler({ secrets, format: formatOption(format), maxAge: 3600, warn: () => {} })

  it('createSessionCookie makes a cookie the session handler reads', async () => {
    const cookie = await createSessionCookie({
      secrets: [NEW],
      format,
      data: { user: 'alice', n: 2 },
    })
    const scope = await handler([NEW]).begin(cookie, { secure: false })
    expect(scope.session.isNew).toBe(false)
    expect(scope.session.get('user')).toBe('alice')
    expect(scope.session.get('n')).toBe(2)
  })

  it('readSessionCookie reads what the session handler writes', async () => {
    const sessions = handler([NEW])
    const scope = await sessions.begin(undefined, { secure: false })
    scope.session.set('user', 'bob')
    scope.session.flash('hi')
    const { setCookie } = await scope.finish()
    expect(await readSessionCookie(setCookie, { secrets: [NEW], format, maxAge: 3600 })).toEqual({
      user: 'bob',
    })
    expect(await readSessionCookie(setCookie, { secrets: [OTHER], format })).toBeNull()
    expect(await readSessionCookie([], { secrets: [NEW], format })).toBeNull()
  })

  it('round-trips its own Set-Cookie lines, and reads a Headers object', async () => {
    const minted = await mintSessionCookie({
      secrets: [NEW],
      format,
      data: { a: [1, 'x'] },
      permanent: true,
    })
    expect(minted.setCookie[0]).toMatch(
      /^session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    const headers = new Headers()
    for (const line of minted.setCookie) headers.append('set-cookie', line)
    expect(await readSessionCookie(headers, { secrets: [NEW], format })).toEqual({ a: [1, 'x'] })
  })

  it('rotation: a cookie made with an older secret reads, and inspect says which secret and stale', async () => {
    const cookie = await createSessionCookie({ secrets: [OLD], format, data: { v: 1 } })
    const scope = await handler([NEW, OLD]).begin(cookie, { secure: false })
    expect(scope.session.get('v')).toBe(1)
    const inspection = await inspectCookie(cookie, { secrets: [NEW, OLD] })
    expect(inspection).toMatchObject({ kind: format, valid: true, verified: true, stale: true })
    expect(inspection.secret?.index).toBe(1)
    if (format !== 'flask') expect(inspection.secret?.keyId).toBe((await keyIdsOf([OLD]))[0])
  })

  it('expired and tampered cookies read as null and inspect as invalid', async () => {
    const now = Math.floor(Date.now() / 1000)
    const old = await mintSessionCookie({
      secrets: [NEW],
      format,
      data: { v: 1 },
      maxAge: 60,
      now: now - 4000000,
    })
    expect(await readSessionCookie(old.setCookie, { secrets: [NEW], format })).toBeNull()
    expect(await inspectCookie(old.cookie, { secrets: [NEW] })).toMatchObject({
      valid: false,
      reason: 'expired',
      expired: true,
    })

    const good = await mintSessionCookie({ secrets: [NEW], format, data: { v: 1 } })
    const flipped =
      good.token.slice(0, 20) + (good.token[20] === 'A' ? 'B' : 'A') + good.token.slice(21)
    expect(await readSessionCookie(`session=${flipped}`, { secrets: [NEW], format })).toBeNull()
    const inspection = await inspectCookie(`session=${flipped}`, { secrets: [NEW] })
    expect(inspection.valid).toBe(false)
    expect(['bad_signature', 'malformed']).toContain(inspection.reason)
  })
})

describe('chunking', () => {
  it('splits a large native session into name.0, name.1, ... that the handler joins', async () => {
    const data = { blob: 'x'.repeat(9000) }
    const minted = await mintSessionCookie({
      secrets: [NEW],
      format: 'signed',
      data,
      cookieName: 'sid',
    })
    expect(minted.chunks.map((chunk) => chunk.name)).toEqual(['sid.0', 'sid.1', 'sid.2'])
    for (const line of minted.setCookie) expect(line.length).toBeLessThanOrEqual(4096)
    const sessions = createSessionHandler({
      secrets: [NEW],
      format: 'signed',
      cookieName: 'sid',
      maxSize: 12288,
      maxChunks: 3,
    })
    const scope = await sessions.begin(minted.cookie, { secure: false })
    expect(scope.session.get('blob')).toBe(data.blob)
    expect(
      await readSessionCookie(minted.setCookie, {
        secrets: [NEW],
        format: 'signed',
        cookieName: 'sid',
      }),
    ).toEqual(data)
  })

  it('refuses a Flask session over one cookie', async () => {
    // Random hex, so zlib cannot shrink it under one cookie.
    const blob = Array.from(crypto.getRandomValues(new Uint8Array(4000)), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join('')
    await expect(
      mintSessionCookie({ secrets: [NEW], format: 'flask', data: { blob } }),
    ).rejects.toThrow(/Flask reads one cookie/)
  })
})

describe('Set-Cookie lines', () => {
  it('applies them in order, deleting on Max-Age=0 or a past Expires', () => {
    expect(
      cookiesFromSetCookie([
        'a=1; Path=/',
        'b=2',
        'Set-Cookie: c=3; HttpOnly',
        'a=; Max-Age=0; Path=/',
        'b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ]),
    ).toEqual({ c: '3' })
  })
})

describe('inspectCookie without secrets', () => {
  it('reads a signed session, and a sealed one only by its key id', async () => {
    const keyring = createKeyring([NEW])
    const [keyId] = await keyIdsOf([NEW])
    const signed = await mintSessionCookie({
      secrets: [NEW],
      format: 'signed',
      data: { user: 'alice' },
      id: 'abc',
      now: 1_900_000_000,
      maxAge: 100,
    })
    const a = await inspectCookie(signed.cookie, { now: 1_900_000_050 })
    expect(a).toMatchObject({
      input: 'cookie-header',
      kind: 'signed',
      keyId,
      issuedAt: 1_900_000_000,
      expiresAt: 1_900_000_100,
      isSession: true,
      payload: { id: 'abc', data: { user: 'alice' }, flashes: [], permanent: false },
      verified: false,
      valid: true,
    })
    const sealed = await sealValue(keyring, 'theme', 'dark')
    const b = await inspectCookie(sealed)
    expect(b).toMatchObject({
      input: 'value',
      kind: 'sealed',
      keyId,
      payload: null,
      valid: true,
      verified: false,
    })
  })

  it('reads a plain signed cookie (bound to its own name) and verifies it with the secret', async () => {
    const token = await signValue(createKeyring([NEW]), 'theme', '{"mode":"dark"}')
    const inspection = await inspectCookie(`lang=en; theme=${token}`, {
      cookieName: 'theme',
      secrets: [NEW],
    })
    expect(inspection).toMatchObject({
      binding: 'cookie',
      payload: { mode: 'dark' },
      valid: true,
      isSession: false,
    })
  })

  it('reads a Flask session, untagging its JSON', async () => {
    const minted = await mintSessionCookie({
      secrets: ['short flask key'],
      format: 'flask',
      data: { user: 'carol' },
      flashes: [{ message: 'hello' }],
    })
    const inspection = await inspectCookie(minted.token)
    expect(inspection).toMatchObject({
      kind: 'flask',
      payload: {
        data: { user: 'carol' },
        flashes: [{ category: 'message', message: 'hello' }],
        permanent: false,
      },
      valid: true,
    })
    expect((await inspectCookie(minted.token, { secrets: ['short flask key'] })).verified).toBe(
      true,
    )
    expect((await inspectCookie(minted.token, { secrets: ['another flask key'] })).reason).toBe(
      'bad_signature',
    )
  })

  it('says plain values are plain, and reports a missing cookie', async () => {
    expect(await inspectCookie('hello')).toMatchObject({
      kind: 'plain',
      payload: 'hello',
      valid: true,
    })
    expect(await inspectCookie('a=1; b=2')).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/no cookie named session/),
    })
  })
})

describe('locateCookie', () => {
  it('recognises a value, a Cookie header, and Set-Cookie lines', () => {
    expect(locateCookie('e1.abc.def')).toMatchObject({ input: 'value', value: 'e1.abc.def' })
    expect(locateCookie('Cookie: x=1; session=v')).toMatchObject({
      input: 'cookie-header',
      value: 'v',
    })
    expect(locateCookie('session.1=b; session.0=a')).toMatchObject({
      cookies: ['session.0', 'session.1'],
      value: 'ab',
    })
    expect(locateCookie('session=v; Path=/; HttpOnly')).toMatchObject({
      input: 'set-cookie',
      value: 'v',
    })
    expect(
      locateCookie('HTTP/1.1 200 OK\nSet-Cookie: session.0=a; Path=/\nset-cookie: session.1=b\n'),
    ).toMatchObject({
      input: 'set-cookie',
      value: 'ab',
    })
  })
})
