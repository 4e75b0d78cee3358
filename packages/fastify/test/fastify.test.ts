import { Readable } from 'node:stream'
import fastifyCookie from '@fastify/cookie'
import { Browser, type Send, cookieNames, randomHex } from '@cookietin/testkit'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type CookietinOptions,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { SECRET, backends, transports } from './fixtures.ts'

declare module '../src/index.ts' {
  interface SessionData {
    user: string
    blob: string
    items: string[]
  }
}

function createApp(
  options: Partial<CookietinOptions> = {},
  server: FastifyServerOptions = {},
): FastifyInstance {
  const app = Fastify(server)
  void app.register(cookietin, { secrets: SECRET, maxSize: 12288, maxChunks: 4, ...options })
  app.setErrorHandler((error, _request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    void reply.code(status).send(status === 500 ? 'boom' : 'refused')
  })
  app.get('/read', async (request) => ({
    data: request.session.data,
    isNew: request.session.isNew,
  }))
  app.get('/untouched', async () => 'plain')
  app.post<{ Params: { user: string } }>('/login/:user', async (request, reply) => {
    request.session.set('user', request.params.user)
    return reply.code(204).send()
  })
  app.get('/vary-merged', async (request, reply) => {
    void reply.header('Vary', 'Accept-Encoding')
    return request.session.get('user') ?? 'nobody'
  })
  app.post('/redirect', async (request, reply) => {
    request.session.set('user', 'redirected')
    return reply.redirect('/read', 303)
  })
  app.post('/callback', (request, reply) => {
    request.session.set('user', 'callback')
    setImmediate(() => void reply.send({ ok: true }))
  })
  app.post('/stream', async (request, reply) => {
    request.session.set('user', 'streamer')
    return reply.type('text/plain').send(Readable.from(['one ', 'two ', 'three']))
  })
  app.post('/throw', async (request) => {
    request.session.set('user', 'thrower')
    throw new Error('after modifying the session')
  })
  app.post('/forbidden', async (request) => {
    request.session.set('user', 'refused')
    throw Object.assign(new Error('no'), { statusCode: 403 })
  })
  app.post('/own-cookies', async (request, reply) => {
    void reply.header('Set-Cookie', 'raw=1; Path=/')
    request.session.set('user', 'owner')
    return 'ok'
  })
  app.put<{ Params: { name: string }; Body: string }>('/signed/:name', async (request, reply) => {
    await request.cookieJar.setSigned(request.params.name, request.body)
    return reply.code(204).send()
  })
  app.get<{ Params: { name: string } }>('/signed/:name', async (request) => ({
    value: (await request.cookieJar.getSigned(request.params.name)) ?? null,
  }))
  app.post('/destroy', async (request, reply) => {
    request.session.destroy()
    return reply.code(204).send()
  })
  app.post('/regenerate', async (request, reply) => {
    request.session.regenerate()
    return reply.code(204).send()
  })
  app.post<{ Params: { bytes: string } }>('/blob/:bytes', async (request, reply) => {
    request.session.set('blob', randomHex(Number(request.params.bytes) / 2))
    return reply.code(204).send()
  })
  app.post('/too-large', async (request, reply) => {
    request.cookieJar.set('other', 'kept')
    request.session.set('blob', randomHex(10_000))
    try {
      await commitSession(request)
    } catch (error) {
      if (error instanceof SessionTooLargeError)
        return reply.code(413).send({ error: { code: error.code } })
      throw error
    }
    return reply.code(204).send()
  })
  app.post('/too-large-unhandled', async (request, reply) => {
    request.cookieJar.set('other', 'kept')
    request.session.set('blob', randomHex(10_000))
    return reply.code(204).send()
  })
  app.post('/early-then-more', async (request, reply) => {
    request.session.set('user', 'early')
    await commitSession(request)
    request.session.set('items', ['later'])
    return reply.code(204).send()
  })
  return app
}

/** The Set-Cookie lines of an injected response. */
const setCookieOf = (headers: Record<string, unknown>): string[] =>
  [headers['set-cookie'] ?? []].flat().map(String)

const cases = transports.flatMap((transport) =>
  backends.map((backend) => ({ ...transport, ...backend })),
)

describe.each(cases)('fastify 5 via $transport, $backend crypto', ({ open, crypto }) => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => close?.())
  async function start(
    options: Partial<CookietinOptions> = {},
    server: FastifyServerOptions = {},
  ): Promise<Send> {
    const opened = await open(createApp({ backend: crypto, ...options }, server))
    close = opened.close
    return opened.send
  }

  it('fastify: sets the session and reads it back on the next request', async () => {
    const b = new Browser(await start())
    expect(await (await b.request('/read')).json()).toEqual({ data: {}, isNew: true })
    const login = await b.request('/login/alice', { method: 'POST' })
    expect(login.status).toBe(204)
    expect(login.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/),
    ])
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('fastify: Vary: Cookie when the session was read, none when untouched; no Set-Cookie when unchanged', async () => {
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

  it('fastify: a redirect, a reply sent later from a callback and a streamed body carry the cookie', async () => {
    const b = new Browser(await start())
    const redirect = await b.request('/redirect', { method: 'POST' })
    expect([redirect.status, redirect.headers.get('Location')]).toEqual([303, '/read'])
    expect(cookieNames(redirect)).toEqual(['session'])
    const later = await b.request('/callback', { method: 'POST' })
    expect(await later.json()).toEqual({ ok: true })
    expect(cookieNames(later)).toEqual(['session'])
    const stream = await b.request('/stream', { method: 'POST' })
    expect(await stream.text()).toBe('one two three')
    expect(cookieNames(stream)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'streamer' } })
  })

  it('fastify: a route that throws after changing the session: the error handler answer sends the cookie', async () => {
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

  it("fastify: keeps the route's own Set-Cookie header", async () => {
    const b = new Browser(await start())
    const response = await b.request('/own-cookies', { method: 'POST' })
    expect(cookieNames(response).sort()).toEqual(['raw', 'session'])
  })

  it('fastify: signed jar cookies round-trip; a changed one reads as absent', async () => {
    const b = new Browser(await start())
    const put = await b.request('/signed/pref', {
      method: 'PUT',
      body: 'dark mode',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(put.status).toBe(204)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: 'dark mode' })
    b.jar.cookies.set('pref', `${b.jar.cookies.get('pref')}x`)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: null })
  })

  it('fastify: destroy deletes the session cookie; regenerate sends a new value with the same data', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const before = b.jar.cookies.get('session')
    expect(cookieNames(await b.request('/regenerate', { method: 'POST' }))).toEqual(['session'])
    expect(b.jar.cookies.get('session')).not.toBe(before)
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
    const destroyed = await b.request('/destroy', { method: 'POST' })
    expect(destroyed.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^session=; .*Max-Age=0/),
    ])
    expect(await (await b.request('/read')).json()).toEqual({ data: {}, isNew: true })
  })

  it('fastify: a 6 KB session is chunked into session.0, session.1... and joined again when it shrinks', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const big = await b.request('/blob/6000', { method: 'POST' })
    expect(cookieNames(big)).toEqual(['session.0', 'session.1', 'session.2', 'session'])
    const read = (await (await b.request('/read')).json()) as { data: { blob: string } }
    expect(read.data.blob).toHaveLength(6000)
    const small = await b.request('/blob/10', { method: 'POST' })
    expect(cookieNames(small).sort()).toEqual(['session', 'session.0', 'session.1', 'session.2'])
    expect([...b.jar.cookies.keys()]).toEqual(['session'])
  })

  it('fastify: SessionTooLargeError caught after commitSession(request) answers 413; the old session stays', async () => {
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

  it('fastify: a session too large in onSend goes to the error handler (500) with a warning; jar cookies are sent', async () => {
    const warn = vi.fn()
    const b = new Browser(await start({ warn }))
    await b.request('/login/alice', { method: 'POST' })
    const response = await b.request('/too-large-unhandled', { method: 'POST' })
    expect([response.status, await response.text()]).toEqual([500, 'boom'])
    expect(cookieNames(response)).toEqual(['other'])
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SESSION_TOO_LARGE.*commitSession/))
    expect(await (await b.request('/read')).json()).toEqual({
      data: { user: 'alice' },
      isNew: false,
    })
  })

  it('fastify: changes after commitSession(request) are committed too', async () => {
    const b = new Browser(await start())
    const response = await b.request('/early-then-more', { method: 'POST' })
    expect(cookieNames(response)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({
      data: { user: 'early', items: ['later'] },
    })
  })

  it('fastify: a tampered session cookie reads as an empty session, not a 500', async () => {
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

  it('fastify: secure auto follows request.protocol: X-Forwarded-Proto only with trustProxy', async () => {
    const trusted = new Browser(await start({}, { trustProxy: true }))
    const https = await trusted.request('/login/alice', {
      method: 'POST',
      headers: { 'X-Forwarded-Proto': 'https' },
    })
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/)
    await close?.()
    const untrusted = new Browser(await start())
    const http = await untrusted.request('/login/alice', {
      method: 'POST',
      headers: { 'X-Forwarded-Proto': 'https' },
    })
    expect(http.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })
})

describe.each(backends)('fastify 5, $backend crypto, plugin rules', ({ crypto }) => {
  const options = { secrets: SECRET, backend: crypto }

  it('fastify: a bad secret fails registration (app.ready rejects), before any request', async () => {
    const app = Fastify()
    void app.register(cookietin, { secrets: 'too short', backend: crypto })
    await expect(app.ready()).rejects.toMatchObject({ code: 'WEAK_SECRET' })
  })

  it('fastify: declares its request decorators once, at registration', async () => {
    const app = Fastify()
    await app.register(cookietin, options)
    expect(app.hasRequestDecorator('session')).toBe(true)
    expect(app.hasRequestDecorator('cookieJar')).toBe(true)
    // fastify-plugin: the decorators belong to the context that registered the plugin.
    await app.register(async (child) => {
      expect(child.hasRequestDecorator('session')).toBe(true)
    })
    await app.close()
  })

  it('fastify: encapsulation: registered in a child context, it applies there only', async () => {
    const app = Fastify()
    await app.register(async (child) => {
      await child.register(cookietin, options)
      child.get('/inside', async (request) => {
        request.session.set('user', 'inside')
        return 'in'
      })
    })
    app.get('/outside', async (request) => ({
      session: 'session' in request ? typeof request.session : 'absent',
    }))
    expect(app.hasRequestDecorator('session')).toBe(false)
    const inside = await app.inject('/inside')
    expect(cookieNames(setCookieOf(inside.headers))).toEqual(['session'])
    const outside = await app.inject({ url: '/outside', headers: { cookie: 'session=x' } })
    expect(outside.json()).toEqual({ session: 'absent' })
    expect(outside.headers['set-cookie']).toBeUndefined()
    expect(outside.headers['vary']).toBeUndefined()
    await app.close()
  })

  it('fastify: sibling contexts may each register it (own options); one context cannot twice', async () => {
    const app = Fastify()
    for (const [prefix, cookieName] of [
      ['/a', 'a_session'],
      ['/b', 'b_session'],
    ] as const) {
      await app.register(
        async (child) => {
          await child.register(cookietin, { ...options, cookieName })
          child.get('/', async (request) => {
            request.session.set('user', prefix)
            return prefix
          })
        },
        { prefix },
      )
    }
    expect(cookieNames(setCookieOf((await app.inject('/a')).headers))).toEqual(['a_session'])
    expect(cookieNames(setCookieOf((await app.inject('/b')).headers))).toEqual(['b_session'])
    await app.close()

    const twice = Fastify()
    void twice.register(cookietin, options)
    void twice.register(cookietin, options)
    await expect(twice.ready()).rejects.toMatchObject({ code: 'FST_ERR_DEC_ALREADY_PRESENT' })
  })

  it('fastify: with @fastify/cookie, request.cookies and reply.setCookie keep working beside the session', async () => {
    for (const order of ['cookie first', 'cookietin first'] as const) {
      const app = Fastify()
      const plugins = [() => app.register(fastifyCookie), () => app.register(cookietin, options)]
      for (const register of order === 'cookie first' ? plugins : plugins.reverse())
        await register()
      app.get('/both', async (request, reply) => {
        void reply.setCookie('theirs', 'yes', { path: '/' })
        request.session.set('user', request.cookies['theme'] ?? 'none')
        return { jar: request.cookieJar.get('theme') ?? null, theirs: request.cookies['theme'] }
      })
      const response = await app.inject({ url: '/both', headers: { cookie: 'theme=dark' } })
      expect(response.json(), order).toEqual({ jar: 'dark', theirs: 'dark' })
      const names = cookieNames(setCookieOf(response.headers))
      expect(names.sort(), order).toEqual(['session', 'theirs'])
      await app.close()
    }
  })

  it('fastify: a change made after onSend is not lost silently: it is warned about', async () => {
    const warn = vi.fn()
    const app = Fastify()
    await app.register(cookietin, { ...options, warn })
    // An onSend hook added after the plugin's runs after its commit.
    app.addHook('onSend', async (request, _reply, payload) => {
      request.session.set('user', 'too late')
      return payload
    })
    app.get('/', async (request) => {
      request.session.set('user', 'in time')
      return 'ok'
    })
    const response = await app.inject('/')
    expect(cookieNames(setCookieOf(response.headers))).toEqual(['session'])
    await vi.waitFor(() =>
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/^cookietin: GET \/ changed the session/),
      ),
    )
    await app.close()
  })

  it('fastify: commitSession outside the plugin is a clear error', async () => {
    const app = Fastify()
    app.get('/', async (request) => {
      await commitSession(request)
      return 'unreachable'
    })
    const response = await app.inject('/')
    expect(response.statusCode).toBe(500)
    expect(response.json()).toMatchObject({ message: expect.stringMatching(/did not run/) })
    await app.close()
  })
})
