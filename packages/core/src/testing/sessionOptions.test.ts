/**
 * The testing helpers take the app's own session options (format as `'sealed'`, `'signed'` or
 * `flask()`, `cookieName`, `maxAge`, `permanent`, `cookie`, the `now` clock), and read what the
 * session handler writes, including chunk changes and deletions.
 */
import { describe, expect, it } from 'vitest'
import { flask } from '../flask.ts'
import { createSessionHandler, type SessionOptions } from '../index.ts'
import { createSessionCookie, mintSessionCookie, readSessionCookie } from '../testing.ts'

const SECRET = 'testing-options-newest-secret-0123456789abc'
const formats: [string, NonNullable<SessionOptions['format']>][] = [
  ['sealed', 'sealed'],
  ['signed', 'signed'],
  ['flask()', flask()],
]

describe.each(formats)('format %s', (_name, format) => {
  const options = (extra: Partial<SessionOptions> = {}): SessionOptions => ({
    secrets: [SECRET],
    format,
    cookieName: 'sid',
    maxAge: 600,
    cookie: { secure: 'auto', sameSite: 'Strict' },
    warn: () => {},
    ...extra,
  })

  it('takes the options the app is created with: cookieName, permanent, cookie', async () => {
    const app = options({ permanent: true })
    const minted = await mintSessionCookie({ ...app, data: { user: 'alice' } })
    expect(minted.cookie).toMatch(/^sid=[^;]+$/)
    // 'auto' leaves Secure out: a test client speaks plain HTTP.
    expect(minted.setCookie).toEqual([
      expect.stringMatching(/^sid=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Strict$/),
    ])
    const scope = await createSessionHandler(app).begin(minted.cookie, { secure: false })
    expect(scope.session.isNew).toBe(false)
    expect(scope.session.get('user')).toBe('alice')
    expect(scope.session.permanent).toBe(true)
    expect(await readSessionCookie(minted.setCookie, app)).toEqual({ user: 'alice' })

    const renamed = minted.cookie.replace(/^sid=/, 'session=')
    const other = await createSessionHandler(app).begin(renamed, { secure: false })
    expect(other.session.isNew).toBe(true)
  })

  it('a browser session (permanent false) has no Max-Age and reads as not permanent', async () => {
    const app = options()
    const minted = await mintSessionCookie({ ...app, data: { user: 'bob' } })
    expect(minted.setCookie[0]).not.toMatch(/Max-Age/i)
    const scope = await createSessionHandler(app).begin(minted.cookie, { secure: false })
    expect(scope.session.permanent).toBe(false)
    expect(scope.session.get('user')).toBe('bob')
  })

  it('maxAge: a cookie issued longer ago than maxAge reads as a new session', async () => {
    const now = Date.now()
    const app = options()
    const at = (secondsAgo: number) =>
      createSessionCookie({ ...app, data: { user: 'carol' }, now: () => now - secondsAgo * 1000 })
    const handler = createSessionHandler({ ...app, now: () => now })
    const fresh = await handler.begin(await at(590), { secure: false })
    expect(fresh.session.get('user')).toBe('carol')
    const stale = await handler.begin(await at(610), { secure: false })
    expect(stale.session.isNew).toBe(true)

    const lines = (await mintSessionCookie({ ...app, data: {}, now: () => now - 610_000 }))
      .setCookie
    expect(await readSessionCookie(lines, { ...app, now: () => now })).toBeNull()
    expect(await readSessionCookie(lines, { ...app, now: () => now - 600_000 })).toEqual({})
  })

  it('reads a destroyed session as null, even after the lines that set it', async () => {
    const app = options()
    const minted = await mintSessionCookie({ ...app, data: { user: 'dan' } })
    const scope = await createSessionHandler(app).begin(minted.cookie, { secure: false })
    scope.session.destroy()
    const { setCookie } = await scope.finish()
    expect(setCookie).toEqual([expect.stringMatching(/^sid=; Max-Age=0;/)])
    expect(await readSessionCookie(setCookie, app)).toBeNull()
    expect(await readSessionCookie([...minted.setCookie, ...setCookie], app)).toBeNull()
  })
})

describe.each(['sealed', 'signed'] as const)('chunked %s sessions', (format) => {
  // Chunks need more than the default limit (one 3 KB cookie).
  const app: SessionOptions = {
    secrets: [SECRET],
    format,
    warn: () => {},
    maxSize: 12288,
    maxChunks: 4,
  }
  // Random hex: it neither compresses nor fits one 4096-byte cookie once encoded.
  const blob = Array.from(crypto.getRandomValues(new Uint8Array(2000)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('')

  it('reads a session that grows from one cookie into chunks', async () => {
    const small = await mintSessionCookie({ ...app, data: { user: 'erin' } })
    const scope = await createSessionHandler(app).begin(small.cookie, { secure: false })
    scope.session.set('blob', blob)
    const { setCookie } = await scope.finish()
    expect(setCookie.map((line) => line.slice(0, line.indexOf('=')))).toEqual([
      'session.0',
      'session.1',
      'session',
    ])
    const expected = { user: 'erin', blob }
    expect(await readSessionCookie(setCookie, app)).toEqual(expected)
    expect(await readSessionCookie([...small.setCookie, ...setCookie], app)).toEqual(expected)
  })

  it('reads a chunked session that shrinks back into one cookie', async () => {
    const big = await mintSessionCookie({ ...app, data: { user: 'fay', blob } })
    expect(big.chunks.map((chunk) => chunk.name)).toEqual(['session.0', 'session.1'])
    const scope = await createSessionHandler(app).begin(big.cookie, { secure: false })
    expect(scope.session.get('blob')).toBe(blob)
    scope.session.delete('blob')
    const { setCookie } = await scope.finish()
    expect(setCookie.map((line) => line.slice(0, line.indexOf('=')))).toEqual([
      'session',
      'session.0',
      'session.1',
    ])
    expect(await readSessionCookie(setCookie, app)).toEqual({ user: 'fay' })
    expect(await readSessionCookie([...big.setCookie, ...setCookie], app)).toEqual({ user: 'fay' })
  })
})

describe('flask() as a format factory', () => {
  it('is the format itself: its salt is honoured, a session over one cookie refused', async () => {
    const app: SessionOptions = {
      secrets: 'a flask secret key',
      format: flask({ salt: 'custom-salt' }),
      warn: () => {},
    }
    const cookie = await createSessionCookie({ ...app, data: { user_id: 7 } })
    const scope = await createSessionHandler(app).begin(cookie, { secure: false })
    expect(scope.session.get('user_id')).toBe(7)
    // The default salt, as the name 'flask' uses, does not verify it.
    const defaultSalt = createSessionHandler({ ...app, format: flask() })
    expect((await defaultSalt.begin(cookie, { secure: false })).session.isNew).toBe(true)

    scope.session.flash('saved')
    const { setCookie } = await scope.finish()
    expect(await readSessionCookie(setCookie, app)).toEqual({ user_id: 7 })
    expect(await readSessionCookie(setCookie, { ...app, format: 'flask' })).toBeNull()

    const blob = Array.from(crypto.getRandomValues(new Uint8Array(4000)), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join('')
    await expect(createSessionCookie({ ...app, data: { blob } })).rejects.toThrow(
      /Flask reads one cookie/,
    )
  })

  it('reports a bad secret as the middleware would', async () => {
    await expect(
      createSessionCookie({ secrets: 'too short', format: 'sealed', data: {} }),
    ).rejects.toMatchObject({ code: expect.any(String) })
    await expect(
      createSessionCookie({ secrets: [new Uint8Array(8)], format: flask(), data: {} }),
    ).rejects.toThrow(/Flask secret #0 must be a string/)
  })
})
