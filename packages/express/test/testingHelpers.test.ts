/**
 * `@cookietin/core/testing` with supertest, as the README's Testing section shows it: each test
 * starts logged in from a cookie made by `createSessionCookie` (no login round trip) and reads the
 * session a response leaves with `readSessionCookie`, in every format, on Express 5 and 4.
 */
import type { SessionOptions } from '@cookietin/core'
import { flask } from '@cookietin/core/flask'
import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import { cookietin } from '@cookietin/express'
import express from 'express'
import express4 from 'express4'
import request from 'supertest'
import { describe, expect, test } from 'vitest'

const SECRET = 'express-testing-helpers-secret-0123456789ab'
const OLD = 'express-testing-helpers-older-0123456789abcd'

const formats: [string, NonNullable<SessionOptions['format']>][] = [
  ['sealed', 'sealed'],
  ['signed', 'signed'],
  ['flask()', flask()],
]
const versions = [
  ['Express 5', express],
  ['Express 4', express4],
] as const

function createApp(create: typeof express, options: SessionOptions): express.Express {
  const app = create()
  app.use(cookietin(options))
  app.get('/me', (req, res) => {
    const user = req.session.get('user')
    if (user === undefined) res.status(401).json({ error: 'not logged in' })
    else res.json({ user })
  })
  app.post('/count', (req, res) => {
    req.session.set('count', (req.session.get('count') ?? 0) + 1)
    res.sendStatus(204)
  })
  app.post('/logout', (req, res) => {
    req.session.destroy()
    res.sendStatus(204)
  })
  return app
}

describe.each(versions)('%s', (_version, create) => {
  describe.each(formats)('format %s', (_format, format) => {
    const options: SessionOptions = {
      secrets: [SECRET, OLD],
      format,
      cookieName: 'sid',
      maxAge: 3600,
      permanent: true,
    }
    const app = createApp(create, options)

    test('a minted cookie is a logged-in request, no login route needed', async () => {
      const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
      await request(app).get('/me').set('Cookie', cookie).expect(200, { user: 'alice' })
      await request(app).get('/me').expect(401)
    })

    test('readSessionCookie reads the session the response leaves', async () => {
      const cookie = await createSessionCookie({ ...options, data: { user: 'bob', count: 41 } })
      const response = await request(app).post('/count').set('Cookie', cookie).expect(204)
      const setCookie = response.get('Set-Cookie')
      expect(setCookie).toEqual([expect.stringMatching(/^sid=.+; Max-Age=3600; Path=\//)])
      expect(await readSessionCookie(setCookie, options)).toEqual({ user: 'bob', count: 42 })
    })

    test('logout: the response deletes the session, and reads as none', async () => {
      const cookie = await createSessionCookie({ ...options, data: { user: 'carol' } })
      const response = await request(app).post('/logout').set('Cookie', cookie).expect(204)
      expect(response.get('Set-Cookie')).toEqual([expect.stringMatching(/^sid=; Max-Age=0;/)])
      expect(await readSessionCookie(response.get('Set-Cookie'), options)).toBeNull()
    })

    test('a cookie of the older secret is accepted and re-issued with the newest', async () => {
      const cookie = await createSessionCookie({
        ...options,
        secrets: [OLD],
        data: { user: 'dan' },
      })
      const response = await request(app).get('/me').set('Cookie', cookie).expect(200)
      expect(response.body).toEqual({ user: 'dan' })
      const newestOnly = { ...options, secrets: [SECRET] }
      expect(await readSessionCookie(response.get('Set-Cookie'), newestOnly)).toEqual({
        user: 'dan',
      })
    })
  })

  test('a session minted in chunks is read, and its growth read back from the chunks', async () => {
    // A chunked session needs more than the default limit (one 3 KB cookie).
    const options: SessionOptions = {
      secrets: SECRET,
      format: 'signed',
      maxSize: 12288,
      maxChunks: 4,
    }
    const app = createApp(create, options)
    const blob = 'x'.repeat(5000)
    const cookie = await createSessionCookie({ ...options, data: { user: 'erin', blob } })
    expect(cookie).toMatch(/^session\.0=[^;]+; session\.1=[^;]+$/)
    await request(app).get('/me').set('Cookie', cookie).expect(200, { user: 'erin' })
    const response = await request(app).post('/count').set('Cookie', cookie).expect(204)
    expect(await readSessionCookie(response.get('Set-Cookie'), options)).toEqual({
      user: 'erin',
      blob,
      count: 1,
    })
  })
})
