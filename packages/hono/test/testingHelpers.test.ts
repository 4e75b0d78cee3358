/**
 * `@cookietin/core/testing` with `app.request`, as the README's Testing section shows it: each test
 * starts logged in from a cookie made by `createSessionCookie` (no login round trip) and reads the
 * session a response leaves with `readSessionCookie`, in every format.
 */
import type { SessionOptions } from '@cookietin/core'
import { flask } from '@cookietin/core/flask'
import { createSessionCookie, readSessionCookie } from '@cookietin/core/testing'
import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import { type CookietinEnv, cookietin } from '../src/index.ts'

const SECRET = 'hono-testing-helpers-secret-0123456789abcde'
const OLD = 'hono-testing-helpers-older-0123456789abcdefg'

type Data = { user: string; count: number; blob: string }

const formats: [string, NonNullable<SessionOptions['format']>][] = [
  ['sealed', 'sealed'],
  ['signed', 'signed'],
  ['flask()', flask()],
]

function createApp(options: SessionOptions<Data>): Hono<CookietinEnv<Data>> {
  const app = new Hono<CookietinEnv<Data>>()
  app.use(cookietin(options))
  app.get('/me', (c) => {
    const user = c.get('session').get('user')
    return user === undefined ? c.json({ error: 'not logged in' }, 401) : c.json({ user })
  })
  app.post('/count', (c) => {
    const session = c.get('session')
    session.set('count', (session.get('count') ?? 0) + 1)
    return c.body(null, 204)
  })
  app.post('/logout', (c) => {
    c.get('session').destroy()
    return c.body(null, 204)
  })
  return app
}

describe.each(formats)('format %s', (_format, format) => {
  const options: SessionOptions<Data> = {
    secrets: [SECRET, OLD],
    format,
    cookieName: 'sid',
    maxAge: 3600,
    permanent: true,
  }
  const app = createApp(options)

  test('a minted cookie is a logged-in request, no login route needed', async () => {
    const cookie = await createSessionCookie({ ...options, data: { user: 'alice' } })
    const response = await app.request('/me', { headers: { cookie } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ user: 'alice' })
    expect((await app.request('/me')).status).toBe(401)
  })

  test('readSessionCookie reads the session the response leaves', async () => {
    const cookie = await createSessionCookie({ ...options, data: { user: 'bob', count: 41 } })
    const response = await app.request('/count', { method: 'POST', headers: { cookie } })
    expect(response.status).toBe(204)
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^sid=.+; Max-Age=3600; Path=\//),
    ])
    expect(await readSessionCookie(response.headers, options)).toEqual({ user: 'bob', count: 42 })
  })

  test('logout: the response deletes the session, and reads as none', async () => {
    const cookie = await createSessionCookie({ ...options, data: { user: 'carol' } })
    const response = await app.request('/logout', { method: 'POST', headers: { cookie } })
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^sid=; Max-Age=0;/)])
    expect(await readSessionCookie(response.headers, options)).toBeNull()
  })

  test('a cookie of the older secret is accepted and re-issued with the newest', async () => {
    const cookie = await createSessionCookie({ ...options, secrets: [OLD], data: { user: 'dan' } })
    const response = await app.request('/me', { headers: { cookie } })
    expect(await response.json()).toEqual({ user: 'dan' })
    const newestOnly = { ...options, secrets: [SECRET] }
    expect(await readSessionCookie(response.headers, newestOnly)).toEqual({ user: 'dan' })
  })
})

test('a session minted in chunks is read, and its growth read back from the chunks', async () => {
  // A chunked session needs more than the default limit (one 3 KB cookie).
  const options: SessionOptions<Data> = {
    secrets: SECRET,
    format: 'sealed',
    maxSize: 12288,
    maxChunks: 4,
  }
  const app = createApp(options)
  const blob = 'x'.repeat(5000)
  const cookie = await createSessionCookie({ ...options, data: { user: 'erin', blob } })
  expect(cookie).toMatch(/^session\.0=[^;]+; session\.1=[^;]+$/)
  expect(await (await app.request('/me', { headers: { cookie } })).json()).toEqual({
    user: 'erin',
  })
  const response = await app.request('/count', { method: 'POST', headers: { cookie } })
  expect(await readSessionCookie(response.headers, options)).toEqual({
    user: 'erin',
    blob,
    count: 1,
  })
})
