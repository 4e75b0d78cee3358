import { Browser, type Send, cookieNames, randomHex } from '@cookietin/testkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type SessionContext,
  type SessionOptions,
  SessionTooLargeError,
  commitSession,
  cookietin,
} from '../src/index.ts'
import { type Data, type FetchHandler, SECRET, backends, transports } from './fixtures.ts'

type Route = (request: Request, context: SessionContext<Data>, param: string) => Promise<Response>

const text = (body: string, init?: ResponseInit) => new Response(body, init)
const noContent = () => new Response(null, { status: 204 })

const routes: Record<string, Route> = {
  'GET /read': async (_request, { session }) =>
    Response.json({ data: session.data, isNew: session.isNew }),
  'GET /untouched': async () => text('plain'),
  'POST /login': async (_request, { session }, user) => {
    session.set('user', user)
    return noContent()
  },
  'GET /vary-merged': async (_request, { session }) =>
    text(session.get('user') ?? 'nobody', { headers: { Vary: 'Accept-Encoding' } }),
  'POST /redirect': async (request, { session }) => {
    session.set('user', 'redirected')
    return Response.redirect(new URL('/read', request.url), 303) // immutable headers
  },
  'POST /proxied': async (_request, { session }) => {
    session.set('user', 'proxied')
    // A response from fetch() has immutable headers too; this one is a real one, from a data: URL.
    return fetch('data:text/plain,from%20upstream')
  },
  'POST /stream': async (_request, { session }) => {
    session.set('user', 'streamer')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of ['one ', 'two ', 'three'])
          controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
    return new Response(body, { headers: { 'Content-Type': 'text/plain' } })
  },
  'POST /own-cookies': async (_request, { session }) => {
    session.set('user', 'owner')
    return text('ok', { headers: { 'Set-Cookie': 'raw=1; Path=/' } })
  },
  'PUT /signed': async (request, { cookies }, name) => {
    await cookies.setSigned(name, await request.text())
    return noContent()
  },
  'GET /signed': async (_request, { cookies }, name) =>
    Response.json({ value: (await cookies.getSigned(name)) ?? null }),
  'POST /destroy': async (_request, { session }) => {
    session.destroy()
    return noContent()
  },
  'POST /regenerate': async (_request, { session }) => {
    session.regenerate()
    return noContent()
  },
  'POST /blob': async (_request, { session }, bytes) => {
    session.set('blob', randomHex(Number(bytes) / 2))
    return noContent()
  },
  'POST /too-large': async (_request, context) => {
    context.cookies.set('other', 'kept')
    context.session.set('blob', randomHex(10_000))
    try {
      await commitSession(context)
    } catch (error) {
      if (error instanceof SessionTooLargeError)
        return Response.json({ error: { code: error.code } }, { status: 413 })
      throw error
    }
    return noContent()
  },
  'POST /too-large-unhandled': async (_request, { session }) => {
    session.set('blob', randomHex(10_000))
    return noContent()
  },
  'POST /early-then-more': async (_request, context) => {
    context.session.set('user', 'early')
    await commitSession(context)
    context.session.set('items', ['later'])
    return noContent()
  },
}

/** `METHOD /first/second`: the route `METHOD /first`, called with `second` as its parameter. */
function route(request: Request, context: SessionContext<Data>): Promise<Response> {
  const [, first = '', param = ''] = new URL(request.url).pathname.split('/')
  const found = routes[`${request.method} /${first}`]
  return found
    ? found(request, context, decodeURIComponent(param))
    : Promise.resolve(text('', { status: 404 }))
}

/** The same app through the lower-level calls, as a framework's middleware calls them. */
function middleware(options: SessionOptions<Data>): FetchHandler {
  const sessions = cookietin<Data>(options)
  return async (request) => {
    const scope = await sessions.read(request)
    return sessions.apply(scope, await route(request, scope))
  }
}

const styles = [
  { style: 'wrap', build: (options: SessionOptions<Data>) => cookietin<Data>(options).wrap(route) },
  { style: 'read + apply', build: middleware },
] as const

const cases = transports.flatMap((transport) =>
  backends.flatMap((backend) => styles.map((style) => ({ ...transport, ...backend, ...style }))),
)

describe.each(cases)('fetch via $transport, $style, $backend crypto', ({ open, crypto, build }) => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => close?.())
  async function start(options: Partial<SessionOptions<Data>> = {}): Promise<Send> {
    const server = await open(
      build({ secrets: SECRET, backend: crypto, maxSize: 12288, maxChunks: 4, ...options }),
    )
    close = server.close
    return server.send
  }

  it('fetch: sets the session and reads it back on the next request', async () => {
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

  it('fetch: Vary: Cookie when the session was read, none when untouched; no Set-Cookie when unchanged', async () => {
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

  it('fetch: immutable responses (Response.redirect, a fetch() response) are copied with the cookie', async () => {
    const b = new Browser(await start())
    const redirect = await b.request('/redirect', { method: 'POST' })
    expect(redirect.status).toBe(303)
    expect(redirect.headers.get('Location')).toMatch(/\/read$/)
    expect(cookieNames(redirect)).toEqual(['session'])
    const proxied = await b.request('/proxied', { method: 'POST' })
    expect([proxied.status, await proxied.text()]).toEqual([200, 'from upstream'])
    expect(proxied.headers.get('Content-Type')).toMatch(/^text\/plain/)
    expect(cookieNames(proxied)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({ data: { user: 'proxied' } })
  })

  it('fetch: a streamed body still gets the cookie', async () => {
    const b = new Browser(await start())
    const response = await b.request('/stream', { method: 'POST' })
    expect(await response.text()).toBe('one two three')
    expect(cookieNames(response)).toEqual(['session'])
  })

  it("fetch: keeps the handler's own Set-Cookie headers", async () => {
    const b = new Browser(await start())
    const response = await b.request('/own-cookies', { method: 'POST' })
    expect(cookieNames(response).sort()).toEqual(['raw', 'session'])
  })

  it('fetch: signed jar cookies round-trip; a changed one reads as absent', async () => {
    const b = new Browser(await start())
    expect((await b.request('/signed/pref', { method: 'PUT', body: 'dark mode' })).status).toBe(204)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: 'dark mode' })
    b.jar.cookies.set('pref', `${b.jar.cookies.get('pref')}x`)
    expect(await (await b.request('/signed/pref')).json()).toEqual({ value: null })
  })

  it('fetch: destroy deletes the session cookie; regenerate sends a new value with the same data', async () => {
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

  it('fetch: a 6 KB session is chunked into session.0, session.1... and joined again when it shrinks', async () => {
    const b = new Browser(await start())
    await b.request('/login/alice', { method: 'POST' })
    const big = await b.request('/blob/6000', { method: 'POST' })
    expect(cookieNames(big)).toEqual(['session.0', 'session.1', 'session.2', 'session'])
    const read = (await (await b.request('/read')).json()) as { data: Data }
    expect(read.data.blob).toHaveLength(6000)
    const small = await b.request('/blob/10', { method: 'POST' })
    expect(cookieNames(small).sort()).toEqual(['session', 'session.0', 'session.1', 'session.2'])
    expect([...b.jar.cookies.keys()]).toEqual(['session'])
  })

  it('fetch: SessionTooLargeError caught after commitSession(context) answers 413; the old session stays', async () => {
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

  it('fetch: changes after commitSession(context) are committed too', async () => {
    const b = new Browser(await start())
    const response = await b.request('/early-then-more', { method: 'POST' })
    expect(cookieNames(response)).toEqual(['session'])
    expect(await (await b.request('/read')).json()).toMatchObject({
      data: { user: 'early', items: ['later'] },
    })
  })

  it('fetch: a tampered session cookie reads as an empty session, not a 500', async () => {
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

describe.each(backends)('fetch, $backend crypto, without a server', ({ crypto }) => {
  const options = { secrets: SECRET, backend: crypto }

  it('fetch: secure auto: Secure on an https:// request URL, not on http://', async () => {
    const handle = cookietin<Data>(options).wrap(route)
    const https = await handle(new Request('https://example.test/login/alice', { method: 'POST' }))
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/)
    const http = await handle(new Request('http://example.test/login/alice', { method: 'POST' }))
    expect(http.headers.getSetCookie()[0]).not.toMatch(/Secure/)
  })

  it("fetch: the host's extra arguments (a Worker's env and ctx) reach the handler, typed", async () => {
    type Env = { GREETING: string }
    const handle = cookietin<Data>(options).wrap(
      async (
        _request,
        { session },
        env: Env,
        ctx: { waitUntil(promise: Promise<unknown>): void },
      ) => {
        ctx.waitUntil(Promise.resolve())
        session.set('user', env.GREETING)
        return text(env.GREETING)
      },
    )
    const waitUntil = vi.fn()
    const response = await handle(
      new Request('http://example.test/'),
      { GREETING: 'hi' },
      { waitUntil },
    )
    expect(await response.text()).toBe('hi')
    expect(waitUntil).toHaveBeenCalledOnce()
    expect(cookieNames(response)).toEqual(['session'])
  })

  it('fetch: an error thrown by the handler reaches the host; a session too large at the end rejects', async () => {
    const handle = cookietin<Data>(options).wrap(async () => {
      throw new Error('from the handler')
    })
    await expect(handle(new Request('http://example.test/'))).rejects.toThrow('from the handler')
    const tooLarge = cookietin<Data>(options).wrap(route)
    await expect(
      tooLarge(new Request('http://example.test/too-large-unhandled', { method: 'POST' })),
    ).rejects.toBeInstanceOf(SessionTooLargeError)
  })

  it('fetch: apply returns the same response when its headers are mutable, a copy when not', async () => {
    const sessions = cookietin<Data>(options)
    const scope = await sessions.read(new Request('http://example.test/'))
    scope.session.set('user', 'alice')
    const mutable = new Response('body', { status: 201, statusText: 'Made' })
    expect(await sessions.apply(scope, mutable)).toBe(mutable)
    const second = await sessions.read(new Request('http://example.test/'))
    second.session.set('user', 'bob')
    const redirect = Response.redirect('http://example.test/next', 302)
    const copy = await sessions.apply(second, redirect)
    expect(copy).not.toBe(redirect)
    expect([copy.status, copy.headers.get('Location')]).toEqual([302, 'http://example.test/next'])
    expect(cookieNames(copy)).toEqual(['session'])
    // Nothing to add: the response is returned as it was, even an immutable one.
    const untouched = await sessions.read(new Request('http://example.test/'))
    expect(await sessions.apply(untouched, redirect)).toBe(redirect)
  })

  it('fetch: a bad secret throws when the sessions are created, not at the first request', () => {
    expect(() => cookietin({ secrets: 'too short', backend: crypto })).toThrow(
      expect.objectContaining({ code: 'WEAK_SECRET' }),
    )
  })

  it('fetch: commitSession without a session is a clear error', async () => {
    await expect(commitSession({})).rejects.toThrow(/cookietin middleware did not run/)
  })
})
