/**
 * `@cookietin/core/testing` with supertest, as the README's Testing section shows it: each test
 * starts logged in from a cookie made by `createSessionCookie` (no login round trip) and reads the
 * session a response leaves with `readSessionCookie`, in every format, on Koa 3 and 2.
 */
import type { SessionOptions } from '@cookietin/core'
import { flask } from '@cookietin/core/flask'
import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import type Koa from 'koa'
import request from 'supertest'
import { describe, expect, test } from 'vitest'
import { type TypedSessionData, cookietin } from '../src/index.ts'
import { koas } from './fixtures.ts'

const SECRET = 'koa-testing-helpers-secret-0123456789abcdefg'
const OLD = 'koa-testing-helpers-older-0123456789abcdefgh'

const formats: [string, NonNullable<SessionOptions['format']>][] = [
  ['sealed', 'sealed'],
  ['signed', 'signed'],
  ['flask()', flask()],
]

function createApp(App: typeof Koa, options: SessionOptions<TypedSessionData>) {
  const app = new App()
  app.use(cookietin(options))
  app.use((ctx) => {
    const route = `${ctx.method} ${ctx.path}`
    if (route === 'GET /me') {
      const user = ctx.session.get('user')
      if (user === undefined) ctx.throw(401)
      ctx.body = { user }
    } else if (route === 'POST /items') {
      ctx.session.set('items', [...(ctx.session.get('items') ?? []), 'one'])
      ctx.status = 204
    } else if (route === 'POST /logout') {
      ctx.session = null
      ctx.status = 204
    }
  })
  return app.callback()
}

describe.each(koas)('$koa', ({ Koa: App }) => {
  describe.each(formats)('format %s', (_format, format) => {
    const options: SessionOptions<TypedSessionData> = {
      secrets: [SECRET, OLD],
      format,
      cookieName: 'sid',
      maxAge: 3600,
      permanent: true,
    }
    const app = createApp(App, options)

    test('a minted cookie is a logged-in request, no login route needed', async () => {
      const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
      await request(app).get('/me').set('Cookie', cookie).expect(200, { user: 'alice' })
      await request(app).get('/me').expect(401)
    })

    test('readSessionCookie reads the session the response leaves', async () => {
      const cookie = await createSessionCookie({ ...options, data: { user: 'bob', items: [] } })
      const response = await request(app).post('/items').set('Cookie', cookie).expect(204)
      const setCookie = response.get('Set-Cookie')
      expect(setCookie).toEqual([expect.stringMatching(/^sid=.+; Max-Age=3600; Path=\//)])
      expect(await readSessionCookie(setCookie, options)).toEqual({ user: 'bob', items: ['one'] })
    })

    test('ctx.session = null: the response deletes the session, and reads as none', async () => {
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
    const options: SessionOptions<TypedSessionData> = {
      secrets: SECRET,
      format: 'signed',
      maxSize: 12288,
      maxChunks: 4,
    }
    const app = createApp(App, options)
    const blob = 'x'.repeat(5000)
    const cookie = await createSessionCookie({ ...options, data: { user: 'erin', blob } })
    expect(cookie).toMatch(/^session\.0=[^;]+; session\.1=[^;]+$/)
    await request(app).get('/me').set('Cookie', cookie).expect(200, { user: 'erin' })
    const response = await request(app).post('/items').set('Cookie', cookie).expect(204)
    expect(await readSessionCookie(response.get('Set-Cookie'), options)).toEqual({
      user: 'erin',
      blob,
      items: ['one'],
    })
  })
})
