import { Readable } from 'node:stream'
import type Koa from 'koa'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type TypedSessionData,
  type SessionOptions,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { Browser, type Send, cookieNames, listen, randomHex } from '@cookietin/testkit'
import { SECRET, backends, cases, koas } from './fixtures.ts'

declare module '../src/index.ts' {
  interface SessionData {
    user: string
    blob: string
    items: string[]
  }
}

type Route = (ctx: Koa.Context, param: string) => unknown

const routes: Record<string, Route> = {
  'GET /read': (ctx) => {
    ctx.body = { data: ctx.session.data, isNew: ctx.session.isNew }
  },
  'GET /untouched': (ctx) => {
    ctx.body = 'plain'
  },
  'POST /login': (ctx, user) => {
    ctx.session.set('user', user)
    ctx.status = 204
  },
  'GET /vary-merged': (ctx) => {
    ctx.vary('Accept-Encoding')
    ctx.body = ctx.session.get('user') ?? 'nobody'
  },
  'POST /redirect': (ctx) => {
    ctx.session.set('user', 'redirected')
    ctx.redirect('/read')
    ctx.status = 303
  },
  'POST /stream': (ctx) => {
    ctx.session.set('user', 'streamer')
    ctx.type = 'text/plain'
    ctx.body = Readable.from(['one ', 'two ', 'three'])
  },
  'POST /throw': (ctx) => {
    ctx.session.set('user', 'thrower')
    throw new Error('after modifying the session')
  },
  'POST /forbidden': (ctx) => {
    ctx.session.set('user', 'refused')
    ctx.throw(403, 'no', { headers: { 'X-Reason': 'test', 'set-cookie': 'theirs=1; Path=/' } })
  },
  'POST /own-cookies': (ctx) => {
    ctx.append('Set-Cookie', 'raw=1; Path=/')
    ctx.cookies.set('koa', '2', { signed: false })
    ctx.session.set('user', 'owner')
    ctx.body = 'ok'
  },
  'PUT /signed': async (ctx, name) => {
    await ctx.cookieJar.setSigned(name, String(ctx.query['value']))
    ctx.status = 204
  },
  'GET /signed': async (ctx, name) => {
    ctx.body = { value: (await ctx.cookieJar.getSigned(name)) ?? null }
  },
  'POST /destroy': (ctx) => {
    ctx.session = null
    ctx.status = 204
  },
  'POST /replace': (ctx) => {
    ctx.session = { items: ['replaced'] }
    ctx.status = 204
  },
  'POST /regenerate': (ctx) => {
    ctx.session.regenerate()
    ctx.status = 204
  },
  'POST /blob': (ctx, bytes) => {
    ctx.session.set('blob', randomHex(Number(bytes) / 2))
    ctx.status = 204
  },
  'POST /too-large': async (ctx) => {
    ctx.cookieJar.set('other', 'kept')
    ctx.session.set('blob', randomHex(10_000))
    try {
      await commitSession(ctx)
    } catch (error) {
      if (!(error instanceof SessionTooLargeError)) throw error
      ctx.status = 413
      ctx.body = { error: { code: error.code } }
      return
    }
    ctx.status = 204
  },
  'POST /too-large-unhandled': (ctx) => {
    ctx.session.set('blob', randomHex(10_000))
    ctx.status = 204
  },
  'POST /early-then-more': async (ctx) => {
    ctx.session.set('user', 'early')
    await commitSession(ctx)
    ctx.session.set('items', ['later'])
    ctx.status = 204
  },
}

function createApp(
  Koa: (typeof koas)[number]['Koa'],
  options: Partial<SessionOptions<TypedSessionData>> = {},
  before?: Koa.Middleware,
) {
  const app = new Koa()
  app.silent = true
  if (before) app.use(before)
  // 12 KB in 4 cookies, over the 3 KB default: the chunking test stores 6 KB.
  app.use(cookietin({ secrets: SECRET, maxSize: 12288, maxChunks: 4, ...options }))
  app.use(async (ctx) => {
    const [, first = '', param = ''] = ctx.path.split('/')
    await routes[`${ctx.method} /${first}`]?.(ctx, param)
  })
  return app
}

describe.each(cases)('$koa over HTTP, $backend crypto', ({ Koa, crypto }) => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => close?.())
  async function start(
    options: Partial<SessionOptions<TypedSessionData>> = {},
    before?: Koa.Middleware,
  ): Promise<Send> {
    const server = await listen(createApp(Koa, { backend: crypto, ...options }, before).callback())
    close = server.close
    return server.send
  }

  it('koa: sets the session and reads it back on the next request', async () => {
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

  it('koa: Vary: Cookie when the session was read, none when untouched; no Set-Cookie when unchanged', async () => {
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

  it('koa: a redirect carries the cookie', async () => {
    const b = new Browser(await start())
    const redirect = await b.request('/redirect', { method: 'POST' })
    expect([redirect.status, redirect.headers.get('Location')]).toEqual([303, '/read'])
    expect(cookieNames(redirect)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'redirected' } })
  })

  it('koa: a streamed body (ctx.body = a stream) still gets the cookie', async () => {
    const b = new Browser(await start())
    const response = await b.request('/stream', { method: 'POST' })
    expect(await response.text()).toBe('one two three')
    expect(cookieNames(response)).toEqual(['session'])
  })

  it("koa: a route that throws after changing the session: Koa's error response still sends the cookie", async () => {
    const b = new Browser(await start())
    const thrown = await b.request('/throw', { method: 'POST' })
    expect([thrown.status, await thrown.text()]).toEqual([500, 'Internal Server Error'])
    expect(cookieNames(thrown)).toEqual(['session'])
    expect(thrown.headers.get('Vary')).toBe('Cookie')
    const forbidden = await b.request('/forbidden', { method: 'POST' })
    expect([forbidden.status, forbidden.headers.get('X-Reason')]).toEqual([403, 'test'])
    expect(cookieNames(forbidden)).toEqual(['theirs', 'session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'refused' } })
  })

  it('koa: an upstream error handler that catches the error keeps the cookie', async () => {
    const handled: Koa.Middleware = async (ctx, next) => {
      try {
        await next()
      } catch {
        ctx.status = 418
        ctx.body = 'handled'
      }
    }
    const b = new Browser(await start({}, handled))
    const response = await b.request('/throw', { method: 'POST' })
    expect([response.status, await response.text()]).toEqual([418, 'handled'])
    expect(cookieNames(response)).toEqual(['session'])
  })

  it("koa: keeps the route's own Set-Cookie headers (ctx.append and Koa's ctx.cookies)", async () => {
    const b = new Browser(await start())
    const response = await b.request('/own-cookies', { method: 'POST' })
    expect(cookieNames(response).sort()).toEqual(['koa', 'raw', 'session'])
  })

  it('koa: secure auto follows ctx.secure: X-Forwarded-Proto counts only with app.proxy', async () => {
    const proxied = new Browser(await start())
    const headers = { 'X-Forwarded-Proto': 'https' }
    const untrusted = await proxied.request('/login/alice', { method: 'POST', headers })
    expect(untrusted.headers.getSetCookie()[0]).not.toMatch(/Secure/)
    await close?.()
    const app = createApp(Koa, { backend: crypto })
    app.proxy = true
    const server = await listen(app.callback())
    close = server.close
    const trusted = await server.send('/login/alice', { method: 'POST', headers })
    expect(trusted.headers.getSetCookie()[0]).toMatch(/; Secure/)
  })

  it('koa: signed jar cookies (ctx.cookieJar) round-trip; a changed one reads as absent', async () => {
    const b = new Browser(await start())
    expect((await b.request('/signed/pref?value=dark', { method: 'PUT' })).status).toBe(204)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: 'dark' })
    b.jar.cookies.set('pref', `${b.jar.cookies.get('pref')}x`)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: null })
  })

  it('koa: ctx.session = null destroys the session; ctx.session = {...} replaces its data', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    await b.request('/replace', { method: 'POST' })
    expect(await (await b.request('/read')).json()).toEqual({
      data: { items: ['replaced'] },
      isNew: false,
    })
    const destroyed = await b.request('/destroy', { method: 'POST' })
    expect(destroyed.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^session=; .*Max-Age=0/),
    ])
    expect(await (await b.request('/read')).json()).toEqual({ data: {}, isNew: true })
  })

  it('koa: regenerate sends a new value with the same data', async () => {
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

  it('koa: a 6 KB session is chunked into session.0, session.1... and joined again when it shrinks', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const big = await b.request('/blob/6000', { method: 'POST' })
    expect(cookieNames(big)).toEqual(['session.0', 'session.1', 'session.2', 'session'])
    expect(
      ((await (await b.request('/read')).json()) as { data: { blob: string } }).data.blob,
    ).toHaveLength(6000)
    const small = await b.request('/blob/10', { method: 'POST' })
    expect(cookieNames(small).sort()).toEqual(['session', 'session.0', 'session.1', 'session.2'])
    expect([...b.jar.cookies.keys()]).toEqual(['session'])
  })

  it('koa: SessionTooLargeError caught after commitSession(ctx) answers 413; the old session stays', async () => {
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

  it('koa: a session too large at the end of the request is a 500 with no session cookie', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const response = await b.request('/too-large-unhandled', { method: 'POST' })
    expect(response.status).toBe(500)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('koa: changes after commitSession(ctx) are committed too', async () => {
    const b = new Browser(await start())
    expect(cookieNames(await b.request('/early-then-more', { method: 'POST' }))).toEqual([
      'session',
    ])
    expect(await (await b.request('/read')).json()).toMatchObject({
      data: { user: 'early', items: ['later'] },
    })
  })

  it('koa: a tampered session cookie reads as an empty session, not a 500', async () => {
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

describe.each(backends)('koa, $backend crypto, configuration', ({ crypto }) => {
  it('koa: a change made after the response was sent is reported, not lost silently', async () => {
    const warn = vi.fn()
    const app = new koas[0]!.Koa()
    app.use(cookietin({ secrets: SECRET, backend: crypto, warn }))
    let late: Promise<void> = Promise.resolve()
    app.use((ctx) => {
      late = new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
        ctx.session.set('user', 'late')
      })
      ctx.body = 'ok'
    })
    const server = await listen(app.callback())
    await server.send('/')
    await late
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(warn).toHaveBeenCalledWith(
      "cookietin: GET changed the session after the response's headers were set; that change was not saved.",
    )
    await server.close()
  })

  it('koa: a bad secret throws when the middleware is created, not at the first request', () => {
    expect(() => cookietin({ secrets: 'too short', backend: crypto })).toThrow(
      expect.objectContaining({ code: 'WEAK_SECRET' }),
    )
  })
})
