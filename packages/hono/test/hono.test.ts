import { Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CookietinEnv,
  type SessionOptions,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { Browser, type Send, cookieNames, randomHex } from '@cookietin/testkit'
import { type App, type Data, SECRET, backends, transports } from './fixtures.ts'

function createApp(options: Partial<SessionOptions<Data>> = {}): App {
  const app: App = new Hono()
  // 12 KB in 4 cookies, over the 3 KB default: the chunking test stores 6 KB.
  app.use(cookietin<Data>({ secrets: SECRET, maxSize: 12288, maxChunks: 4, ...options }))
  app.onError((error, c) =>
    error instanceof HTTPException ? error.getResponse() : c.text('boom', 500),
  )
  app.get('/read', (c) => c.json({ data: c.get('session').data, isNew: c.get('session').isNew }))
  app.get('/untouched', (c) => c.text('plain'))
  app.post('/login/:user', (c) => {
    c.get('session').set('user', c.req.param('user'))
    return c.body(null, 204)
  })
  app.get('/vary-merged', (c) => {
    c.header('Vary', 'Accept-Encoding')
    return c.text(c.get('session').get('user') ?? 'nobody')
  })
  app.post('/redirect', (c) => {
    c.get('session').set('user', 'redirected')
    return c.redirect('/read', 303)
  })
  app.post('/redirect-immutable', (c) => {
    c.get('session').set('user', 'immutable')
    return Response.redirect(new URL('/read', c.req.url), 303) // headers are immutable
  })
  app.post('/stream', (c) => {
    c.get('session').set('user', 'streamer')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ['one ', 'two ', 'three'])
          controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
    return c.body(body, 200, { 'Content-Type': 'text/plain' })
  })
  app.post('/throw', (c) => {
    c.get('session').set('user', 'thrower')
    throw new Error('after modifying the session')
  })
  app.post('/forbidden', (c) => {
    c.get('session').set('user', 'refused')
    throw new HTTPException(403, { message: 'no' })
  })
  app.post('/own-cookies', (c) => {
    c.header('Set-Cookie', 'raw=1; Path=/', { append: true })
    setCookie(c, 'helper', '2')
    c.get('session').set('user', 'owner')
    return c.text('ok')
  })
  app.put('/signed/:name', async (c) => {
    await c.get('cookies').setSigned(c.req.param('name'), await c.req.text())
    return c.body(null, 204)
  })
  app.get('/signed/:name', async (c) =>
    c.json({ value: (await c.get('cookies').getSigned(c.req.param('name'))) ?? null }),
  )
  app.post('/destroy', (c) => {
    c.get('session').destroy()
    return c.body(null, 204)
  })
  app.post('/regenerate', (c) => {
    c.get('session').regenerate()
    return c.body(null, 204)
  })
  app.post('/blob/:bytes', (c) => {
    c.get('session').set('blob', randomHex(Number(c.req.param('bytes')) / 2))
    return c.body(null, 204)
  })
  app.post('/too-large', async (c) => {
    c.get('cookies').set('other', 'kept')
    c.get('session').set('blob', randomHex(10_000))
    try {
      await commitSession(c)
    } catch (error) {
      if (error instanceof SessionTooLargeError) return c.json({ error: { code: error.code } }, 413)
      throw error
    }
    return c.body(null, 204)
  })
  app.post('/too-large-unhandled', (c) => {
    c.get('session').set('blob', randomHex(10_000))
    return c.body(null, 204)
  })
  app.post('/early-then-more', async (c) => {
    c.get('session').set('user', 'early')
    await commitSession(c)
    c.get('session').set('items', ['later'])
    return c.body(null, 204)
  })
  return app
}

const cases = transports.flatMap((transport) =>
  backends.map((backend) => ({ ...transport, ...backend })),
)

describe.each(cases)('hono 4 via $transport, $backend crypto', ({ open, crypto }) => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => close?.())
  async function start(options: Partial<SessionOptions<Data>> = {}): Promise<Send> {
    const server = await open(createApp({ backend: crypto, ...options }))
    close = server.close
    return server.send
  }

  it('hono: sets the session and reads it back on the next request', async () => {
    const b = new Browser(await start())
    expect(await (await b.request('/read')).json()).toEqual({ data: {}, isNew: true })
    const login = await b.request('/login/alice', { method: 'POST' })
    expect(login.status).toBe(204)
    expect(login.headers.getSetCookie()[0]).toMatch(
      /^session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('hono: Vary: Cookie when the session was read, none when untouched; no Set-Cookie when unchanged', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const read = await b.request('/read')
    expect(read.headers.get('Vary')).toBe('Cookie')
    expect(read.headers.getSetCookie()).toEqual([])
    const untouched = await b.request('/untouched')
    expect(untouched.headers.get('Vary')).toBeNull()
    expect(untouched.headers.getSetCookie()).toEqual([])
    expect((await b.request('/vary-merged')).headers.get('Vary')).toBe('Accept-Encoding, Cookie')
  })

  it('hono: a redirect carries the cookie, from c.redirect and from an immutable Response.redirect', async () => {
    const b = new Browser(await start())
    const redirect = await b.request('/redirect', { method: 'POST' })
    expect([redirect.status, redirect.headers.get('Location')]).toEqual([303, '/read'])
    expect(cookieNames(redirect)).toEqual(['session'])
    const immutable = await b.request('/redirect-immutable', { method: 'POST' })
    expect(immutable.status).toBe(303)
    expect(immutable.headers.get('Location')).toMatch(/\/read$/)
    expect(cookieNames(immutable)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'immutable' } })
  })

  it('hono: a streamed body (c.body(ReadableStream)) still gets the cookie', async () => {
    const b = new Browser(await start())
    const response = await b.request('/stream', { method: 'POST' })
    expect(await response.text()).toBe('one two three')
    expect(cookieNames(response)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'streamer' } })
  })

  it('hono: a route that throws after changing the session: onError response still sends the cookie', async () => {
    const b = new Browser(await start())
    const thrown = await b.request('/throw', { method: 'POST' })
    expect([thrown.status, await thrown.text()]).toEqual([500, 'boom'])
    expect(cookieNames(thrown)).toEqual(['session'])
    expect(thrown.headers.get('Vary')).toBe('Cookie')
    const forbidden = await b.request('/forbidden', { method: 'POST' })
    expect(forbidden.status).toBe(403)
    expect(cookieNames(forbidden)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'refused' } })
  })

  it("hono: keeps the route's own Set-Cookie headers (c.header append and hono/cookie)", async () => {
    const b = new Browser(await start())
    const response = await b.request('/own-cookies', { method: 'POST' })
    expect(cookieNames(response).sort()).toEqual(['helper', 'raw', 'session'])
  })

  it('hono: signed jar cookies round-trip; a changed one reads as absent', async () => {
    const b = new Browser(await start())
    expect((await b.request('/signed/pref', { method: 'PUT', body: 'dark mode' })).status).toBe(204)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: 'dark mode' })
    b.jar.cookies.set('pref', `${b.jar.cookies.get('pref')}x`)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: null })
  })

  it('hono: destroy deletes the session cookie', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const destroyed = await b.request('/destroy', { method: 'POST' })
    expect(destroyed.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^session=; .*Max-Age=0/),
    ])
    expect(await (await b.request('/read')).json()).toEqual({ data: {}, isNew: true })
  })

  it('hono: regenerate sends a new value with the same data', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const before = b.jar.cookies.get('session')
    expect(cookieNames(await b.request('/regenerate', { method: 'POST' }))).toEqual(['session'])
    expect(b.jar.cookies.get('session')).not.toBe(before)
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('hono: a 6 KB session is chunked into session.0, session.1... and joined again when it shrinks', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const big = await b.request('/blob/6000', { method: 'POST' })
    expect(cookieNames(big)).toEqual(['session.0', 'session.1', 'session.2', 'session'])
    expect(((await (await b.request('/read')).json()) as { data: Data }).data.blob).toHaveLength(
      6000,
    )
    const small = await b.request('/blob/10', { method: 'POST' })
    expect(cookieNames(small).sort()).toEqual(['session', 'session.0', 'session.1', 'session.2'])
    expect([...b.jar.cookies.keys()]).toEqual(['session'])
  })

  it('hono: SessionTooLargeError caught after commitSession(c) answers 413; the old session stays', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const response = await b.request('/too-large', { method: 'POST' })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: { code: 'SESSION_TOO_LARGE' } })
    expect(cookieNames(response)).toEqual(['other'])
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('hono: a session too large at the end of the request goes to onError (500), with no session cookie', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const response = await b.request('/too-large-unhandled', { method: 'POST' })
    expect([response.status, await response.text()]).toEqual([500, 'boom'])
    expect(response.headers.getSetCookie()).toEqual([])
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('hono: changes after commitSession(c) are committed too', async () => {
    const b = new Browser(await start())
    const response = await b.request('/early-then-more', { method: 'POST' })
    expect(cookieNames(response)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({
      data: { user: 'early', items: ['later'] },
    })
  })

  it('hono: a tampered session cookie reads as an empty session, not a 500', async () => {
    const onInvalid = vi.fn()
    const b = new Browser(await start({ onInvalid }))
    await b.request('/login/alice', { method: 'POST' })
    b.jar.cookies.set('session', `${b.jar.cookies.get('session')!.slice(0, -2)}AA`)
    const response = await b.request('/read')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ data: {}, isNew: true })
    expect(onInvalid).toHaveBeenCalledWith({
      reason: expect.any(String),
      cookieName: 'session',
      kind: 'session',
    })
  })
})

describe.each(backends)('hono 4, $backend crypto, without a server', ({ crypto }) => {
  it('hono: secure auto: Secure on an https:// request URL, not on http://', async () => {
    const app = createApp({ backend: crypto })
    const https = await app.request('https://example.test/login/alice', { method: 'POST' })
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const http = await app.request('http://example.test/login/alice', { method: 'POST' })
    expect(http.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it('hono: a bad secret throws when the middleware is created, not at the first request', () => {
    expect(() => cookietin({ secrets: 'too short', backend: crypto })).toThrow(
      expect.objectContaining({ code: 'WEAK_SECRET' }),
    )
  })

  it('hono: a change made after the response was made is reported with the route, not lost silently', async () => {
    const warn = vi.fn()
    const app = new Hono<CookietinEnv>()
    app.use(cookietin({ secrets: SECRET, backend: crypto, warn }))
    let late: Promise<void> = Promise.resolve()
    app.get('/items/:id', (c) => {
      late = new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
        c.get('session').set('late', true)
      })
      return c.text('ok')
    })
    await app.request('/items/7')
    await late
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(warn).toHaveBeenCalledWith(
      "cookietin: GET /items/:id changed the session after the response's headers were set; that change was not saved.",
    )
  })

  it('hono: commitSession outside the middleware is a clear error', async () => {
    const app = new Hono()
    app.get('/', async (c) => {
      await commitSession(c)
      return c.text('unreachable')
    })
    app.onError((error, c) => c.text(error.message, 500))
    expect(await (await app.request('/')).text()).toMatch(/cookietin middleware did not run/)
  })
})
