import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { type CryptoBackend, type SessionOptions, isCookietinError } from '@cookietin/core'
import { SessionTooLargeError, commitSession, cookietin } from '@cookietin/express'
import { cookieNames as names, listen } from '@cookietin/testkit'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import express4 from 'express4'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { backend as nodeBackend } from '../../core/src/crypto/backend.node.ts'
import { backend as webBackend } from '../../core/src/crypto/backend.web.ts'
import { Browser } from './client.ts'

const SECRET = 'an express test secret of at least 32 bytes'

declare module '@cookietin/express' {
  interface SessionData {
    user: string
    count: number
    blob: string
  }
}

const versions = [
  ['Express 5', express],
  ['Express 4', express4],
] as const
const backends: CryptoBackend[] = [nodeBackend, webBackend]
const matrix = versions.flatMap(([version, create]) =>
  backends.map((backend) => ({ title: `${version}, ${backend.name} crypto`, create, backend })),
)

function routes(app: Express): Express {
  app.get('/read', (req, res) => {
    res.json({ data: req.session.data, isNew: req.session.isNew })
  })
  app.get('/untouched', (_req, res) => {
    res.send('ok')
  })
  app.post('/login', (req, res) => {
    const user = req.query['user']
    req.session.set('user', typeof user === 'string' ? user : 'alice')
    res.json({ ok: true })
  })
  app.get('/vary', (req, res) => {
    res.vary('Cookie').vary('Accept')
    res.json({ user: req.session.get('user') ?? null })
  })
  app.post('/redirect', (req, res) => {
    req.session.set('user', 'redirected')
    res.redirect(303, '/read')
  })
  app.post('/redirect-then-set', (req, res) => {
    res.redirect(303, '/read')
    req.session.set('user', 'after redirect')
  })
  app.post('/end', (req, res) => {
    req.session.set('user', 'ended')
    res.statusCode = 201
    res.end('raw')
  })
  app.post('/write-head', (req, res) => {
    req.session.set('user', 'head')
    res.writeHead(200, 'Fine', { 'Set-Cookie': 'raw=1', 'Content-Type': 'text/plain' })
    res.end('head')
  })
  app.post('/write-head-array', (req, res) => {
    req.session.set('user', 'array')
    res.setHeader('Set-Cookie', 'replaced=1')
    res.writeHead(202, ['Set-Cookie', 'x=1', 'Set-Cookie', 'y=2', 'Content-Type', 'text/plain'])
    res.end('array')
  })
  app.post('/flush', (req, res) => {
    req.session.set('user', 'flushed')
    res.setHeader('Content-Type', 'text/plain')
    res.flushHeaders()
    setTimeout(() => res.end('late'), 5)
  })
  app.get('/stream', (req, res) => {
    req.session.set('count', 3)
    res.write('a')
    res.write('b')
    setTimeout(() => res.end('c'), 10)
  })
  app.get('/pipe', (req, res) => {
    req.session.set('user', 'piped')
    Readable.from(['x', 'y', 'z']).pipe(res)
  })
  app.post('/throw', (req) => {
    req.session.set('user', 'thrower')
    throw new Error('boom')
  })
  app.post('/custom/throw', (req, _res, next) => {
    req.session.set('user', 'teapot')
    setTimeout(() => next(new Error('short and stout')), 1)
  })
  app.get('/other-cookies', (req, res) => {
    res.cookie('a', '1')
    res.append('Set-Cookie', 'b=2')
    req.session.set('user', 'cookies')
    res.send('ok')
  })
  app.put('/signed', async (req, res) => {
    await req.cookieJar.setSigned('sig', 'hello')
    req.cookieJar.set('plain', 'p', { maxAge: 60 })
    res.sendStatus(204)
  })
  app.get('/signed', async (req, res) => {
    res.json({ signed: (await req.cookieJar.getSigned('sig')) ?? null, all: req.cookieJar.all() })
  })
  app.delete('/plain', (req, res) => {
    req.cookieJar.delete('plain')
    res.sendStatus(204)
  })
  app.delete('/session', (req, res) => {
    req.session.destroy()
    res.sendStatus(204)
  })
  app.post('/regenerate', (req, res) => {
    req.session.regenerate()
    res.sendStatus(204)
  })
  app.post('/blob', (req, res) => {
    const size = Number(req.query['size'])
    if (size > 0) req.session.set('blob', randomBytes(size).toString('base64url').slice(0, size))
    else req.session.delete('blob')
    res.sendStatus(204)
  })
  app.post('/too-large', async (req, res) => {
    req.session.set('blob', randomBytes(20000).toString('base64url'))
    try {
      await commitSession(req)
      res.sendStatus(204)
    } catch (error) {
      if (!(error instanceof SessionTooLargeError)) throw error
      req.cookieJar.set('after', 'yes')
      res.status(413).json({ error: { code: error.code } })
    }
  })
  app.post('/early', async (req, res) => {
    req.session.set('user', 'early')
    await commitSession(req)
    req.session.set('count', 2)
    req.cookieJar.set('late', 'yes')
    res.json({ ok: true })
  })
  app.post('/too-large-unhandled', (req, res) => {
    req.cookieJar.set('dropped', 'yes')
    req.session.set('blob', randomBytes(20000).toString('base64url'))
    res.json({ ok: true })
  })
  app.use((error: Error, req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/custom')) res.status(418).json({ error: error.message })
    else next(error)
  })
  return app
}

describe.each(matrix)('$title', ({ title, create, backend }) => {
  const warn = vi.fn()
  // 12 KB in 4 cookies, over the 3 KB default: the chunking tests store 6 KB.
  const options: SessionOptions = { secrets: SECRET, backend, warn, maxSize: 12288, maxChunks: 4 }
  let server: Awaited<ReturnType<typeof listen>>
  let browser: Browser
  beforeAll(async () => {
    const app = create()
    app.use(cookietin(options))
    server = await listen(routes(app))
  })
  afterAll(() => server.close())
  const fresh = () => (browser = new Browser(server.url))

  async function serve(app: Express, run: (url: string) => Promise<void>): Promise<void> {
    const { url, close } = await listen(app)
    try {
      await run(url)
    } finally {
      await close()
    }
  }

  test(`${title}: a session set in one request is read in the next`, async () => {
    fresh()
    const login = await browser.fetch('/login?user=alice', { method: 'POST' })
    expect(login.status).toBe(200)
    expect(login.setCookie).toHaveLength(1)
    expect(login.setCookie[0]).toMatch(/^session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)
    const read = await browser.fetch('/read')
    expect(JSON.parse(read.text_)).toEqual({ data: { user: 'alice' }, isNew: false })
    expect(read.setCookie).toEqual([])
  })

  test(`${title}: Vary: Cookie when the session is read, not when untouched`, async () => {
    fresh()
    const untouched = await browser.fetch('/untouched')
    expect(untouched.headers.get('vary')).toBeNull()
    expect(untouched.setCookie).toEqual([])
    const read = await browser.fetch('/read')
    expect(read.headers.get('vary')).toBe('Cookie')
    expect(read.setCookie).toEqual([]) // a new empty session is not stored
    const vary = await browser.fetch('/vary')
    expect(vary.headers.get('vary')).toBe('Cookie, Accept')
  })

  test(`${title}: no Set-Cookie when the session is read but unchanged`, async () => {
    fresh()
    await browser.fetch('/login', { method: 'POST' })
    const read = await browser.fetch('/read')
    expect(read.setCookie).toEqual([])
    expect(read.headers.get('vary')).toBe('Cookie')
  })

  test(`${title}: a redirect carries the session cookie`, async () => {
    fresh()
    const response = await browser.fetch('/redirect', { method: 'POST' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/read')
    expect(names(response.setCookie)).toEqual(['session'])
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'redirected' })
  })

  test(`${title}: a change made after the headers went out is not lost silently: it is sent while the response is held (async crypto), else it warns naming the route`, async () => {
    fresh()
    warn.mockClear()
    const response = await browser.fetch('/redirect-then-set', { method: 'POST' })
    expect(response.status).toBe(303)
    if (backend.synchronous) {
      expect(response.setCookie).toEqual([])
      await vi.waitFor(() =>
        expect(warn).toHaveBeenCalledWith(
          "cookietin: POST /redirect-then-set changed the session after the response's headers were set; that change was not saved.",
        ),
      )
    } else {
      expect(names(response.setCookie)).toEqual(['session'])
      expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({
        user: 'after redirect',
      })
    }
  })

  test(`${title}: res.end called directly`, async () => {
    fresh()
    const response = await browser.fetch('/end', { method: 'POST' })
    expect([response.status, response.text_]).toEqual([201, 'raw'])
    expect(names(response.setCookie)).toEqual(['session'])
  })

  test(`${title}: res.writeHead with its own Set-Cookie keeps both`, async () => {
    fresh()
    const response = await browser.fetch('/write-head', { method: 'POST' })
    expect([response.status, response.statusText, response.text_]).toEqual([200, 'Fine', 'head'])
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(names(response.setCookie)).toEqual(['raw', 'session'])
  })

  test(`${title}: res.writeHead with a flat header array, and res.flushHeaders`, async () => {
    fresh()
    const array = await browser.fetch('/write-head-array', { method: 'POST' })
    expect([array.status, array.text_]).toEqual([202, 'array'])
    expect(names(array.setCookie)).toEqual(['x', 'y', 'session']) // Node's rule: the array replaces `replaced`
    const flushed = await browser.fetch('/flush', { method: 'POST' })
    expect([flushed.status, flushed.text_]).toEqual([200, 'late'])
    expect(names(flushed.setCookie)).toEqual(['session'])
  })

  test(`${title}: a response streamed in several writes`, async () => {
    fresh()
    const response = await browser.fetch('/stream')
    expect(response.text_).toBe('abc')
    expect(response.headers.get('transfer-encoding')).toBe('chunked')
    expect(names(response.setCookie)).toEqual(['session'])
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ count: 3 })
  })

  test(`${title}: a slow commit holds every write until the cookie is ready`, async () => {
    const aesGcm = backend.importAesGcm.bind(backend)
    const slow: CryptoBackend = {
      ...backend,
      synchronous: false,
      async importAesGcm(key) {
        const cipher = await aesGcm(key)
        return {
          ...cipher,
          seal: async (...args) => {
            await new Promise((resolve) => setTimeout(resolve, 50))
            return cipher.seal(...args)
          },
        }
      },
    }
    const app = create()
    app.use(cookietin({ ...options, backend: slow }))
    await serve(routes(app), async (url) => {
      const response = await new Browser(url).fetch('/stream')
      expect(response.text_).toBe('abc')
      expect(names(response.setCookie)).toEqual(['session'])
    })
  })

  test(`${title}: a piped stream`, async () => {
    fresh()
    const response = await browser.fetch('/pipe')
    expect(response.text_).toBe('xyz')
    expect(names(response.setCookie)).toEqual(['session'])
  })

  test(`${title}: a handler that throws after changing the session still sends the cookie (finalhandler)`, async () => {
    fresh()
    const response = await browser.fetch('/throw', { method: 'POST' })
    expect(response.status).toBe(500)
    expect(names(response.setCookie)).toEqual(['session'])
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'thrower' })
  })

  test(`${title}: an error passed to a user error handler still sends the cookie`, async () => {
    fresh()
    const response = await browser.fetch('/custom/throw', { method: 'POST' })
    expect(response.status).toBe(418)
    expect(JSON.parse(response.text_)).toEqual({ error: 'short and stout' })
    expect(names(response.setCookie)).toEqual(['session'])
  })

  test(`${title}: Set-Cookie headers set by the handler are kept`, async () => {
    fresh()
    const response = await browser.fetch('/other-cookies')
    expect(names(response.setCookie)).toEqual(['a', 'b', 'session'])
  })

  test(`${title}: secure 'auto' follows req.secure (trust proxy and X-Forwarded-Proto)`, async () => {
    for (const trust of [true, false]) {
      const app = create()
      if (trust) app.set('trust proxy', true)
      app.use(cookietin(options))
      await serve(routes(app), async (url) => {
        const response = await new Browser(url).fetch('/login', {
          method: 'POST',
          headers: { 'x-forwarded-proto': 'https' },
        })
        expect(response.setCookie[0]?.includes('; Secure')).toBe(trust)
      })
    }
  })

  test(`${title}: signed and plain cookies through req.cookieJar`, async () => {
    fresh()
    const put = await browser.fetch('/signed', { method: 'PUT' })
    expect(put.status).toBe(204)
    expect(names(put.setCookie)).toEqual(['sig', 'plain'])
    expect(put.headers.get('vary')).toBeNull() // the session was not touched
    const read = await browser.fetch('/signed')
    expect(JSON.parse(read.text_)).toMatchObject({ signed: 'hello', all: { plain: 'p' } })
    const value = browser.cookies.get('sig') ?? ''
    browser.cookies.set('sig', value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'))
    expect(JSON.parse((await browser.fetch('/signed')).text_).signed).toBeNull()
    const deletion = await browser.fetch('/plain', { method: 'DELETE' })
    expect(deletion.setCookie[0]).toMatch(/^plain=; .*Max-Age=0/)
  })

  test(`${title}: destroy deletes the session cookie`, async () => {
    fresh()
    await browser.fetch('/login', { method: 'POST' })
    const response = await browser.fetch('/session', { method: 'DELETE' })
    expect(response.setCookie).toHaveLength(1)
    expect(response.setCookie[0]).toMatch(/^session=; .*Max-Age=0/)
    expect(JSON.parse((await browser.fetch('/read')).text_)).toEqual({ data: {}, isNew: true })
  })

  test(`${title}: regenerate sends a new cookie with the same data`, async () => {
    fresh()
    await browser.fetch('/login?user=bob', { method: 'POST' })
    const before = browser.cookies.get('session')
    const response = await browser.fetch('/regenerate', { method: 'POST' })
    expect(names(response.setCookie)).toEqual(['session'])
    expect(browser.cookies.get('session')).not.toBe(before)
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'bob' })
  })

  test(`${title}: a large session is chunked, and unchunked when it shrinks`, async () => {
    fresh()
    await browser.fetch('/login', { method: 'POST' })
    const big = await browser.fetch('/blob?size=6000', { method: 'POST' })
    const chunks = names(big.setCookie).filter((name) => name !== 'session')
    expect(chunks.length).toBeGreaterThan(1)
    expect(chunks).toEqual(chunks.map((_, i) => `session.${i}`))
    expect(names(big.setCookie)).toContain('session') // the unchunked cookie is deleted
    expect(browser.cookies.has('session')).toBe(false)
    const read = JSON.parse((await browser.fetch('/read')).text_).data
    expect([read.user, (read.blob as string).length]).toEqual(['alice', 6000])
    const small = await browser.fetch('/blob?size=0', { method: 'POST' })
    expect(names(small.setCookie).sort()).toEqual(['session', ...chunks])
    expect([...browser.cookies.keys()]).toEqual(['session'])
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'alice' })
  })

  test(`${title}: commitSession lets the route answer 413 for SessionTooLargeError, leaving the session as it was`, async () => {
    fresh()
    await browser.fetch('/login?user=carol', { method: 'POST' })
    const response = await browser.fetch('/too-large', { method: 'POST' })
    expect(response.status).toBe(413)
    expect(JSON.parse(response.text_)).toEqual({ error: { code: 'SESSION_TOO_LARGE' } })
    expect(names(response.setCookie)).toEqual(['after']) // nothing for the session; the jar still works
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'carol' })
  })

  test(`${title}: changes and jar cookies after commitSession are still sent`, async () => {
    fresh()
    const response = await browser.fetch('/early', { method: 'POST' })
    expect(names(response.setCookie)).toEqual(['session', 'late'])
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({
      user: 'early',
      count: 2,
    })
  })

  test(`${title}: SessionTooLargeError not handled by the route keeps the previous session and warns to use commitSession`, async () => {
    fresh()
    await browser.fetch('/login?user=erin', { method: 'POST' })
    warn.mockClear()
    if (backend.synchronous) {
      // The headers are being written: the route's answer goes out, without the session cookie.
      const response = await browser.fetch('/too-large-unhandled', { method: 'POST' })
      expect([response.status, names(response.setCookie)]).toEqual([200, ['dropped']])
    } else {
      // The response was held for the commit, which failed: it is destroyed rather than sent half-done.
      await expect(browser.fetch('/too-large-unhandled', { method: 'POST' })).rejects.toThrow()
    }
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/POST \/too-large-unhandled: the session was not saved.*commitSession/),
    )
    expect(JSON.parse((await browser.fetch('/read')).text_).data).toEqual({ user: 'erin' })
  })

  test(`${title}: a bad secret or option throws when the middleware is created`, () => {
    const thrown = (options: SessionOptions) => {
      try {
        cookietin(options)
      } catch (error) {
        return isCookietinError(error) ? error.code : error
      }
      return undefined
    }
    expect(thrown({ secrets: 'too short', backend })).toBe('WEAK_SECRET')
    expect(thrown({ secrets: SECRET, maxAge: -1, backend })).toBe('INVALID_OPTION')
  })

  test(`${title}: a tampered or garbage session cookie reads as an empty session, not a 500`, async () => {
    fresh()
    await browser.fetch('/login', { method: 'POST' })
    const value = browser.cookies.get('session') ?? ''
    // A character other than the one there: replacing an 'x' by 'x' (1 time in 64) tampers nothing.
    const other = value[20] === 'x' ? 'y' : 'x'
    for (const cookie of [
      `session=${value.slice(0, 20)}${other}${value.slice(21)}`,
      'session=garbage',
      'session.0=%zz',
    ]) {
      const response = await browser.fetch('/read', { headers: { cookie } })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.text_)).toEqual({ data: {}, isNew: true })
    }
  })

  test(`${title}: commitSession without the middleware rejects`, async () => {
    const app = create()
    app.get('/', (req, res, next) => {
      commitSession(req).then(() => res.send('committed'), next)
    })
    await serve(app, async (url) => {
      const response = await fetch(url)
      expect(response.status).toBe(500)
      expect(await response.text()).toContain('cookietin middleware did not run')
    })
  })
})
